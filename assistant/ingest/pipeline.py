"""The per-file pipeline: one corpus file read into its record, pages and items (passages,
action rows, status items). It runs in the limited worker process (`worker.py`), never in the
process that serves delegates."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import DocumentError
from .actions import (
    REGISTER_COLUMNS,
    ActionRow,
    cell_text,
    load_register,
    register_path,
    register_problems,
    table_text,
)
from .documents import Document, DocumentInfo, load_document, open_regular
from .items import DocumentRecord, Item, Prepared, now_iso
from .passages import MAX_CHARS, split_passages
from .status import extract_status_items

_HERE = Path(__file__).resolve().parent


def pipeline_files() -> list[Path]:
    """Every source file that decides what a file's items are: the whole ingest stage and the
    word module it uses. When one changes, unchanged files are read again instead of reusing
    what an older pipeline made of them."""
    return sorted(_HERE.glob("*.py")) + [_HERE.parent / "words.py"]


def _pipeline_version() -> str:
    digest = hashlib.sha256()
    for path in pipeline_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


PIPELINE_VERSION = _pipeline_version()


def source_hash(path: Path, max_bytes: int) -> str:
    """A document's content hash, covering its reviewed register when it has one; the size,
    and that it is a regular file, are checked before a byte is read."""
    digest = _hash(path, max_bytes)
    register = register_path(path)
    if register.exists():
        digest = hashlib.sha256(f"{digest}:{_hash(register, max_bytes)}".encode()).hexdigest()
    return digest


def _hash(path: Path, max_bytes: int) -> str:
    digest = hashlib.sha256()
    with open_regular(path, max_bytes) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_file(path: Path, info: DocumentInfo, sha: str, max_bytes: int, max_passages: int) -> Prepared:
    """Everything a file contributes, except vectors."""
    document = load_document(path, info, max_bytes)
    document.sha256 = sha
    return prepare(document, max_passages)


def prepare(document: Document, max_passages: int) -> Prepared:
    """A loaded document's items: its passages, its action rows and its status items."""
    warnings: list[str] = []
    characters = sum(len(page.text) for page in document.pages)
    if characters > max_passages * MAX_CHARS * 4:  # far too long: said before it is cut up
        raise DocumentError(
            document.path,
            f"has {characters:,} characters, which makes well over {max_passages:,} passages "
            "(ASSISTANT_MAX_PASSAGES)",
            "split it into smaller documents (or raise ASSISTANT_MAX_PASSAGES), then rebuild",
        )
    passages = split_passages(document)
    if len(passages) > max_passages:
        raise DocumentError(
            document.path,
            f"makes {len(passages):,} passages, over the limit of {max_passages:,} (ASSISTANT_MAX_PASSAGES)",
            "split it into smaller documents (or raise ASSISTANT_MAX_PASSAGES), then rebuild",
        )
    rows = action_rows_of(document, warnings)
    statuses = extract_status_items(document, passages, _listed_items(document))
    items = [
        Item(
            kind="passage",
            doc=p.doc,
            ordinal=p.ordinal,
            page=p.page,
            section=p.section,
            paragraph=p.paragraph,
            text=p.text,
            context=p.context,
            search_text=p.embed_text,
        )
        for p in passages
    ]
    items += [
        Item(
            kind="action",
            doc=r.doc,
            ordinal=r.row,
            page=r.page,
            section=r.section,
            paragraph=f"row {r.row}",
            text=r.action,
            data=r.to_dict(),
            search_text=r.search_text,
        )
        for r in rows
    ]
    items += [
        Item(
            kind="status",
            doc=s.doc,
            ordinal=s.number,
            page=s.page,
            section="",
            paragraph=s.code,
            text=s.text or s.evidence,
            data=s.to_dict(),
            search_text=s.search_text,
        )
        for s in statuses
    ]
    info = document.info
    record = DocumentRecord(
        doc=info.doc,
        title=info.title,
        kind=info.kind,
        date=info.date,
        meeting=info.meeting,
        path=document.path.name,
        sha256=document.sha256,
        pages=len(document.pages),
        passages=len(passages),
        actions=len(rows),
        indexed_at=now_iso(),
    )
    pages = [(document.doc, page.number, page.text) for page in document.pages]
    return Prepared(record, pages, items, None, warnings)


def _listed_items(document: Document) -> list[dict]:
    """A PDF update's table of items (code, action, responsible), read by its geometry."""
    text = "\n".join(page.text for page in document.pages)
    if document.path.suffix.lower() != ".pdf" or not re.search(
        r"\bGCAP\b.{0,20}\n?.{0,40}\bactions?\b", text, re.I
    ):
        return []
    from .tables import extract_status_entries

    first = next((p.number for p in document.pages if re.search(r"\bGCAP\b", p.text)), 1)
    try:
        return extract_status_entries(document.path, text, first)
    except DocumentError:
        return []


def action_rows_of(document: Document, warnings: list[str]) -> list[ActionRow]:
    """Rows from the reviewed register if there is one, else from the PDF's tables."""
    register = register_path(document.path)
    source = table_text([page.text for page in document.pages])
    if register.exists():
        rows = load_register(register, document.doc)
        problems = register_problems(rows, source) if source else []
        warnings += [f"{register.name}: {p}; check it against the document" for p in problems]
        return rows
    if document.path.suffix.lower() == ".pdf" and source:
        from .tables import extract_rows

        # the table pass (slow, page by page) starts where the text shows the table's header
        first = next((p.number for p in document.pages if table_text([p.text])), 1)
        try:
            text = "\n".join(p.text for p in document.pages)
            return extract_rows(document.path, document.doc, first, text, warnings)
        except DocumentError as exc:  # the text is readable: index it, and say the table is not
            warnings.append(str(exc))
            return []
    if source:
        warnings.append(
            f"{document.path.name} has an action table in its text but no register; write "
            f"{register.name} (see `assistant register --help`) and rebuild to index its rows"
        )
    return []


def preview_file(path: Path, max_bytes: int, max_passages: int) -> dict:
    """What a staged upload would add, as the build would see it (for the admin page)."""
    document = load_document(path, None, max_bytes)
    prepared = prepare(document, max_passages)
    kinds = [i.kind for i in prepared.items]
    warnings = list(prepared.warnings)
    if table_text([p.text for p in document.pages]) and not kinds.count("action"):
        warnings.append("an action table was seen in the text but no rows were extracted")
    rows = [ActionRow.from_dict(i.data) for i in prepared.items if i.kind == "action"]
    return {
        "pages": len(document.pages),
        "passages": kinds.count("passage"),
        "action_rows": kinds.count("action"),
        "rows": [{name: cell_text(r, name) for name in REGISTER_COLUMNS} for r in rows],
        "status_items": kinds.count("status"),
        "first_passages": [i.text[:200] for i in prepared.items if i.kind == "passage"][:3],
        "warnings": warnings,
    }
