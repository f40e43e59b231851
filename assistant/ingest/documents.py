"""Loading corpus files (.txt, .md, .pdf) into documents made of numbered pages."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DocumentError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")
MANIFEST_NAME = "manifest.toml"
KINDS = ("plan", "status update", "document")

# A printed page number on a line of its own, as PDF-to-text leaves it: " 2." or " 4."
# The leading blank matters: "2024." alone on a line is the end of a sentence, not a page.
_PAGE_MARKER = re.compile(r"^[ \t]+(\d{1,3})\.[ \t]*$")


@dataclass(frozen=True)
class Page:
    number: int
    text: str


@dataclass(frozen=True)
class DocumentInfo:
    """What the corpus says about a file: its name, title and where it comes from."""

    doc: str  # the file name inside the corpus: the document's identity
    title: str
    kind: str = "document"
    date: str = ""
    meeting: str = ""


@dataclass
class Document:
    info: DocumentInfo
    path: Path
    sha256: str
    pages: list[Page] = field(default_factory=list)

    @property
    def doc(self) -> str:
        return self.info.doc


def file_sha256(path: Path) -> str:
    """Content hash of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(corpus_dir: Path) -> list[Path]:
    """The corpus files to index, sorted by name (hidden files and the manifest skipped)."""
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
    )


def load_manifest(corpus_dir: Path) -> dict[str, DocumentInfo]:
    """Read corpus/manifest.toml: one [[document]] table per file, keyed by file name."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DocumentError(path, f"is not valid TOML ({exc})", "fix the syntax and rebuild") from exc
    infos: dict[str, DocumentInfo] = {}
    for entry in data.get("document", []):
        name = entry.get("file")
        if not name:
            raise DocumentError(path, "has a [[document]] without a file name", 'add file = "..."')
        kind = entry.get("kind", "document")
        if kind not in KINDS:
            raise DocumentError(path, f"gives {name} the kind {kind!r}", f"use one of: {', '.join(KINDS)}")
        infos[name] = DocumentInfo(
            doc=name,
            title=entry.get("title") or title_from_filename(name),
            kind=kind,
            date=str(entry.get("date", "")),
            meeting=entry.get("meeting", ""),
        )
    return infos


def title_from_filename(name: str) -> str:
    """A readable title for a file that has no manifest entry: 'status-update_2026.pdf'."""
    stem = Path(name).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else name


def guess_kind(name: str) -> str:
    lowered = name.lower()
    if "update" in lowered or "status" in lowered:
        return "status update"
    if "plan" in lowered:
        return "plan"
    return "document"


def info_for(path: Path, manifest: dict[str, DocumentInfo]) -> DocumentInfo:
    """The manifest entry for a file, or one made from its name."""
    if path.name in manifest:
        return manifest[path.name]
    return DocumentInfo(doc=path.name, title=title_from_filename(path.name), kind=guess_kind(path.name))


def load_document(path: Path, info: DocumentInfo | None = None) -> Document:
    """Read one corpus file into pages, or raise DocumentError naming the file and the remedy."""
    info = info or DocumentInfo(doc=path.name, title=title_from_filename(path.name))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path, f"cannot be read ({exc.strerror})", "check its permissions") from exc
    if not data.strip():
        raise DocumentError(path, "is empty", "replace it with the full document or remove it")
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".pdf":
        from .pdf import read_pdf_pages  # pypdf is only imported when a PDF is indexed

        pages = [Page(n, text) for n, text in enumerate(read_pdf_pages(path, data), 1)]
    else:
        pages = split_text_pages(decode_text(path, data))
    if not any(page.text.strip() for page in pages):
        raise DocumentError(path, "has no text", "replace it with the full document or remove it")
    return Document(info=info, path=path, sha256=digest, pages=pages)


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); anything else is refused with the remedy."""
    if b"\x00" in data[:8192]:
        raise DocumentError(
            path,
            "is a binary file, not text",
            "save the document as .txt/.md in UTF-8, or as .pdf, then rebuild",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            path,
            f"is not UTF-8 text (invalid byte at offset {exc.start})",
            "re-save it as UTF-8 and rebuild",
        ) from exc


def split_text_pages(text: str) -> list[Page]:
    """Split extracted text at its printed page numbers; text before the first is page 1.

    Printed numbers can restart (an annex numbered from 1 again) or be missing; page numbers
    here always increase so that a citation points at one place.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    pages: list[Page] = []
    number, lines = 1, []
    for line in text.split("\n"):
        match = _PAGE_MARKER.match(line)
        if match or line == "\f":  # form feeds (pdftotext) separate pages too
            pages.append(Page(number, "\n".join(lines)))
            printed = int(match.group(1)) if match else number + 1
            number = printed if printed > number else number + 1
            lines = []
        else:
            lines.append(line)
    pages.append(Page(number, "\n".join(lines)))
    return [p for p in pages if p.text.strip()] or [Page(1, "")]
