"""Files uploaded by staff: checked on the server, previewed, then added to the corpus.

The type is decided by content, not by name; the name is sanitised; nothing can be written
outside the corpus; a file goes live only when staff accept it and rebuild.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Settings
from ..errors import AssistantError, shown
from .actions import REGISTER_COLUMNS, cell_text, parse_register
from .documents import DocumentInfo, checked_info, discover, forget_info, write_info
from .worker import ParseWorker

REGISTER_SUFFIX = ".actions.csv"

MAX_BYTES = 50 * 1024 * 1024  # also Streamlit's server.maxUploadSize
STAGING = ".staging"
REMOVED = ".removed"  # documents taken out of the corpus, kept so nothing is lost


class UploadRefused(AssistantError):
    """An upload that will not be stored, with the reason and what to do."""


@dataclass
class Preview:
    """What a file would add to the index, before it goes live."""

    name: str
    pages: int = 0
    passages: int = 0
    action_rows: int = 0
    status_items: int = 0
    first_passages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    rows: list[dict] = field(default_factory=list)  # the action rows read, in register form
    register_for: str | None = None  # a reviewed register: the document it belongs beside

    def register_csv(self) -> str:
        """The rows as a register CSV, for staff to correct in a spreadsheet and upload back."""
        out = io.StringIO()
        writer = csv.DictWriter(out, REGISTER_COLUMNS)
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def safe_name(name: str) -> str:
    """A plain file name: no folders, no control characters, no leading dot, letters kept."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")  # control, format
    base = re.sub(r"[^\w.\- ]+", "", base).strip().replace(" ", "-")
    base = re.sub(r"\.{2,}", ".", base).lstrip(".-")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    return (stem[:100] or "upload") + (f".{suffix.lower()[:8]}" if suffix else "")


def detect_type(data: bytes) -> str | None:
    """'.pdf' for a PDF, '.txt' for UTF-8 text, None for anything else (judged by content)."""
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return ".pdf"
    if b"\x00" in data[:8192]:
        return None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return ".txt"


def check(name: str, data: bytes) -> str:
    """The name to store an upload under, or UploadRefused saying why."""
    clean = safe_name(name)
    if not data:
        raise UploadRefused(f"{clean}: the file is empty; upload the full document")
    if len(data) > MAX_BYTES:
        raise UploadRefused(
            f"{clean}: {len(data) / 1e6:.0f} MB is over the 50 MB limit; split or compress the document"
        )
    if clean.lower().endswith(".csv"):
        return _check_register(clean, data)
    kind = detect_type(data)
    suffix = Path(clean).suffix.lower()
    if kind is None:
        raise UploadRefused(f"{clean}: not a PDF nor UTF-8 text; upload a .pdf, .txt or .md file")
    if kind == ".pdf" and suffix != ".pdf":
        clean = f"{Path(clean).stem}.pdf"  # a PDF under another name is stored as what it is
    elif kind == ".txt" and suffix not in (".txt", ".md"):
        if suffix == ".pdf":
            raise UploadRefused(f"{clean}: named .pdf but it is not a PDF; export a real PDF and retry")
        clean = f"{Path(clean).stem}.txt"
    return clean


def _check_register(clean: str, data: bytes) -> str:
    """A reviewed register: named after its document (<document>.actions.csv) and well formed."""
    if not clean.lower().endswith(REGISTER_SUFFIX):
        raise UploadRefused(
            f"{clean}: a CSV is taken as a document's reviewed register only, named "
            f"<document>{REGISTER_SUFFIX} (download it from the document's preview, correct it, upload it)"
        )
    stem = clean[: -len(REGISTER_SUFFIX)]
    try:
        parse_register(data, Path(clean), f"{stem}.pdf")
    except AssistantError as exc:
        raise UploadRefused(str(exc)) from None
    return clean


def target(corpus_dir: Path, name: str) -> Path:
    """The path an accepted upload is written to, refusing anything outside the corpus."""
    corpus = corpus_dir.resolve()
    path = (corpus / name).resolve()
    if path.parent != corpus:
        raise UploadRefused(f"{name}: a file name may not lead outside the corpus")
    return path


def stage(corpus_dir: Path, name: str, data: bytes) -> Path:
    """Check an upload and keep it out of the corpus (in corpus/.staging/) until accepted."""
    clean = check(name, data)
    staging = corpus_dir / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / target(corpus_dir, clean).name
    _write_atomic(path, data)
    return path


def preview(path: Path, settings: Settings) -> Preview:
    """Pages, passages, action rows and warnings of a staged file, as the build would see them:
    read by the same limited worker as the build, never in the process serving delegates."""
    result = Preview(name=path.name)
    if path.name.lower().endswith(REGISTER_SUFFIX):  # a register: rows checked at staging
        stem = path.name[: -len(REGISTER_SUFFIX)]
        rows = parse_register(path.read_bytes(), path, f"{stem}.pdf")
        result.action_rows = len(rows)
        result.rows = [{name: cell_text(r, name) for name in REGISTER_COLUMNS} for r in rows]
        result.register_for = next(
            (f"{stem}{s}" for s in (".pdf", ".txt", ".md") if (path.parent.parent / f"{stem}{s}").exists()),
            None,
        )
        if result.register_for is None:
            result.warnings.append(f"no document {stem}.pdf is in the corpus yet: add it before rebuilding")
        return result
    with ParseWorker(settings.parse_seconds, settings.parse_mb, settings.limits) as worker:
        try:
            found = worker.preview(path)
        except AssistantError as exc:
            result.error = str(exc)
            return result
    for name, value in found.items():
        setattr(result, name, value)
    return result


def accept(corpus_dir: Path, staged: Path, info: DocumentInfo | None = None) -> Path:
    """Move a staged file into the corpus (replacing a file of the same name), with its title,
    kind, date and meeting written to the manifest. The metadata is checked first: a refusal
    leaves the file staged and the manifest as it was."""
    path = target(corpus_dir, staged.name)
    if info is not None:
        info = checked_info(replace(info, doc=path.name))
    os.replace(staged, path)
    if info is not None:
        write_info(corpus_dir, info)
    return path


def remove(corpus_dir: Path, doc: str) -> Path:
    """Take a document out of the corpus: the file (and a register beside it) moved to
    corpus/.removed/ under a time stamp, with its manifest entry; the next rebuild drops it
    from the index. Returns the folder it was kept in. To bring it back, move it back."""
    path = target(corpus_dir, doc)
    if path.name not in {p.name for p in discover(corpus_dir)}:  # by name: the folder may be a link
        raise UploadRefused(f"{shown(doc)}: no such document in the corpus; reload the page")
    kept = corpus_dir / REMOVED / f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{path.stem}"
    kept.mkdir(parents=True, exist_ok=False)
    register = path.with_name(path.stem + REGISTER_SUFFIX)
    if register.is_file() and not register.is_symlink():
        os.replace(register, kept / register.name)
    entry = forget_info(corpus_dir, path.name)
    if entry:
        (kept / "manifest-entry.toml").write_text(entry, encoding="utf-8")
    os.replace(path, kept / path.name)
    return kept


def _write_atomic(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)
