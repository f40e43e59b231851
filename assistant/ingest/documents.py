"""Loading corpus files (.txt, .md, .pdf) into documents made of numbered pages."""

from __future__ import annotations

import codecs
import errno
import fcntl
import hashlib
import os
import re
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import tomlkit

from ..errors import DocumentError, shown

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")
MANIFEST_NAME = "manifest.toml"
KINDS = ("plan", "status update", "document")
MANIFEST_HEADER = (
    "One [[document]] per corpus file. A file without an entry is still indexed, with a title\n"
    'made from its name. kind is "plan", "status update" or "document".'
)
_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
_FIELD_CHARS = 300

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


def open_regular(path: Path, max_bytes: int | None = None):
    """A corpus file opened for reading: never through a link, never a FIFO or a device, and
    refused by its size before a byte is read. DocumentError says which and what to do."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DocumentError(
                path, "is a link", "copy the file itself into the corpus, then rebuild"
            ) from None
        raise DocumentError(path, f"cannot be read ({exc.strerror})", "check its permissions") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise DocumentError(
            path, "is not a regular file (a FIFO, a device or a folder)", "remove it, then rebuild"
        )
    if max_bytes is not None and info.st_size > max_bytes:
        os.close(fd)
        raise DocumentError(
            path,
            f"is {info.st_size / 1e6:,.0f} MB, over the {max_bytes / 1e6:,.0f} MB limit "
            "(ASSISTANT_MAX_FILE_MB)",
            "split it into smaller documents (or raise ASSISTANT_MAX_FILE_MB), then rebuild",
        )
    return os.fdopen(fd, "rb")


def discover(corpus_dir: Path) -> list[Path]:
    """The corpus files to index, sorted by name (see `survey` for what is refused and why)."""
    return survey(corpus_dir)[0]


def survey(corpus_dir: Path) -> tuple[list[Path], dict[str, str]]:
    """The corpus files to index, sorted by name, and the entries refused (name -> message).

    Hidden files, the manifest and files of other kinds are not documents. A document-named
    entry that is a link, a FIFO, a device or a folder, or whose name is not valid UTF-8, is
    refused with a line naming it: the corpus is the folder's own files, nothing else."""
    if not corpus_dir.is_dir():
        return [], {}
    files, refused = [], {}
    for path in sorted(corpus_dir.iterdir()):
        name = path.name
        if name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # reported under its escaped name: it cannot be stored as is
            refused[shown(name)] = str(
                DocumentError(path, "has a name that is not valid UTF-8", "rename the file, then rebuild")
            )
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            target = os.readlink(path)
            where = "outside the corpus" if not _inside(corpus_dir, path) else "inside the corpus"
            refused[name] = str(
                DocumentError(
                    path,
                    f"is a link (to {shown(target)}, {where})",
                    "copy the file itself into the corpus, then rebuild",
                )
            )
        elif not stat.S_ISREG(mode):
            refused[name] = str(
                DocumentError(
                    path, "is not a regular file (a FIFO, a device or a folder)", "remove it, then rebuild"
                )
            )
        else:
            files.append(path)
    return files, refused


def _inside(folder: Path, path: Path) -> bool:
    try:
        return path.resolve().parent == folder.resolve()
    except OSError:
        return False


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


def checked_info(info: DocumentInfo) -> DocumentInfo:
    """Metadata entered by staff, trimmed and checked, or DocumentError naming the field and
    what to enter: a title, a date as YYYY, YYYY-MM or YYYY-MM-DD, one of KINDS."""
    info = replace(
        info,
        title=" ".join(info.title.split()),
        meeting=" ".join(info.meeting.split()),
        date=info.date.strip(),
    )
    if not info.title:
        raise DocumentError(info.doc, "has no title", "enter the title as printed on the document")
    for label, value in (("title", info.title), ("meeting", info.meeting)):
        if len(value) > _FIELD_CHARS:
            raise DocumentError(
                info.doc, f"has a {label} of {len(value)} characters", f"shorten it to {_FIELD_CHARS} at most"
            )
        if any(ord(ch) < 32 for ch in value):
            raise DocumentError(info.doc, f"has a control character in its {label}", "retype it")
    if info.date and not _DATE.fullmatch(info.date):
        raise DocumentError(
            info.doc, f"has the date {info.date!r}", "enter it as YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-06)"
        )
    if info.kind not in KINDS:
        raise DocumentError(info.doc, f"has the kind {info.kind!r}", f"use one of: {', '.join(KINDS)}")
    return info


def write_info(corpus_dir: Path, info: DocumentInfo) -> DocumentInfo:
    """Record a document's title, kind, date and meeting in corpus/manifest.toml (checked first;
    the file's other entries and comments are kept). Takes effect at the next rebuild."""
    info = checked_info(info)
    with _manifest_locked(corpus_dir) as document:
        entry = _entry(document, info.doc)
        if entry is None:
            entry = tomlkit.table()
            document.setdefault("document", tomlkit.aot()).append(entry)
            entry["file"] = info.doc
        for key, value in (("title", info.title), ("date", info.date), ("meeting", info.meeting)):
            if value:
                entry[key] = value
            elif key in entry:
                del entry[key]
        entry["kind"] = info.kind
    return info


def forget_info(corpus_dir: Path, doc: str) -> str | None:
    """Drop a document's entry from the manifest; the entry as TOML, or None if it had none."""
    if not (corpus_dir / MANIFEST_NAME).exists():
        return None
    with _manifest_locked(corpus_dir) as document:
        entries = document.get("document", [])
        for position, entry in enumerate(entries):
            if entry.get("file") == doc:
                kept = tomlkit.dumps({"document": [entry.unwrap()]})
                del entries[position]
                return kept
    return None


def _entry(document, doc: str):
    return next((e for e in document.get("document", []) if e.get("file") == doc), None)


class _manifest_locked:
    """The manifest parsed under an exclusive lock (two staff saving at once lose nothing) and
    written back atomically when the block ends without an error."""

    def __init__(self, corpus_dir: Path):
        self.path = corpus_dir / MANIFEST_NAME
        self.lock_path = corpus_dir / ".manifest.lock"

    def __enter__(self):
        self.lock = self.lock_path.open("a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        load_manifest(self.path.parent)  # refuses a manifest that is not valid TOML, naming it
        if self.path.exists():
            self.document = tomlkit.parse(self.path.read_text(encoding="utf-8"))
        else:
            self.document = tomlkit.document()
            for line in MANIFEST_HEADER.split("\n"):
                self.document.add(tomlkit.comment(line))
        return self.document

    def __exit__(self, kind, error, trace):
        try:
            if kind is None:
                with tempfile.NamedTemporaryFile(
                    "w", encoding="utf-8", dir=self.path.parent, prefix=".manifest-", delete=False
                ) as handle:
                    handle.write(tomlkit.dumps(self.document))
                os.replace(handle.name, self.path)
        finally:
            fcntl.flock(self.lock, fcntl.LOCK_UN)
            self.lock.close()
        return False


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


def load_document(path: Path, info: DocumentInfo | None = None, max_bytes: int | None = None) -> Document:
    """Read one corpus file into pages, or raise DocumentError naming the file and the remedy."""
    info = info or DocumentInfo(doc=path.name, title=title_from_filename(path.name))
    with open_regular(path, max_bytes) as handle:
        data = handle.read()
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
    """UTF-8 text (a BOM is allowed), or UTF-16 / UTF-32 (told by their byte-order mark, or
    UTF-16 by its zero bytes); anything else is refused, naming the encoding it looks like."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(path, data, encoding)
    if b"\x00" in data[:8192]:
        if encoding := _utf16_without_bom(data[:8192]):
            return _decode(path, data, encoding)
        raise DocumentError(
            path,
            "is a binary file, not text",
            "save the document as .txt/.md in UTF-8, or as .pdf, then rebuild",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        looks = _looks_like(data)
        raise DocumentError(
            path,
            f"is not UTF-8 text (invalid byte at offset {exc.start}{looks})",
            "re-save it as UTF-8 and rebuild",
        ) from exc


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(
            path,
            f"starts as {encoding.upper()} but is not valid {encoding.upper()} (byte {exc.start})",
            "re-save it as UTF-8 and rebuild",
        ) from exc


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text written without a byte-order mark: one byte of each pair is mostly zero."""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_like(data: bytes) -> str:
    """ "; it looks like cp1252" when the encoding can be guessed (charset-normalizer)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return ""
    best = from_bytes(data[:65536]).best()
    return f"; it looks like {best.encoding}" if best is not None else ""


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
