"""Action tables from PDFs with ruled tables (pdfplumber), into ActionRow records.

pdfplumber finds tables from their ruling lines, keeps merged cells as one cell (the others of
the span come back as None) and gives each cell's text with its line breaks. On top of that:
header cells are mapped to fields tolerantly, a table is followed across pages whether or not
its header repeats, a row cut by a page break is joined again, section rows ("SP2. ...")
set the section of the rows below them, and a merged topic/objective cell is carried down
and marked as inherited.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..errors import DocumentError
from .actions import ActionRow, row_from_cells
from .text import join_lines, vocabulary

# header text (lower case, letters only) -> field; the first pattern that matches wins
_HEADER_FIELDS = (
    (r"strategic|^so$|^sos$", "strategic_objectives"),
    (r"area|topic", "topic"),
    (r"objective", "objective"),
    (r"action|activit", "action"),
    (r"time ?frame|timeline|deadline|due|when", "timeframe"),
    (r"priority", "priority"),
    (r"kpi|indicator", "kpi"),
    (r"body", "body_in_charge"),
    (r"responsible|team|unit", "responsible_team"),
)
_SECTION_ROW = re.compile(r"^SP\d+\.\s*\S")
_CARRIED = ("strategic_objectives", "topic", "objective")  # merged down a group of rows
_LIST_PATTERN = r"[\n,;]|\s&\s"


def map_header(cells: list[str | None]) -> dict[int, str] | None:
    """Column index -> field for a header row, or None if it is not one.

    A header names at least five of the fields, including the action, in short cells
    without figures ("Topic 11" or "KPI 3 delivered" in a data row is not a header).
    """
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if cell and (len(cell) > 40 or len(cell.split()) > 4 or re.search(r"\d", cell)):
            return None
        key = re.sub(r"[^a-z ]+", " ", (cell or "").lower())
        key = re.sub(r"\s+", " ", key).strip()
        if not key:
            continue
        for pattern, name in _HEADER_FIELDS:
            if re.search(pattern, key) and name not in mapping.values():
                mapping[index] = name
                break
    return mapping if len(mapping) >= 5 and "action" in mapping.values() else None


def extract_rows(path: Path, doc: str, first_page: int = 1) -> list[ActionRow]:
    """The action rows of every action table in a PDF (none if it has no such table), from
    `first_page` on. Pages are read one at a time and let go: a long PDF is streamed."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            pages = []
            for page in pdf.pages[first_page - 1 :]:
                pages.append(
                    (page.page_number, page.extract_tables(_settings(page)), page.extract_text() or "")
                )
                page.close()  # its parsed objects go: memory stays one page deep
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise DocumentError(
            path,
            f"its tables cannot be read ({type(exc).__name__})",
            "re-export the PDF, or write its rows in a register CSV",
        ) from exc
    vocab = vocabulary("\n".join(text for _, _, text in pages))
    records: list[dict] = []
    header: dict[int, str] | None = None
    header_cells: list[str] = []
    section = ""
    for number, tables, _ in pages:
        first_on_page = True
        for table in tables:
            for raw in table:
                if header is not None and len(raw) == len(header_cells):
                    repeated, rest = _strip_repeated_header(raw, header_cells)
                    if repeated:  # a header repeated on a new page, perhaps fused with more text
                        if not any(c.strip() for c in rest):
                            continue
                        raw = rest
                mapped = map_header(raw)
                if mapped:
                    header, header_cells, first_on_page = mapped, [_norm(c) for c in raw], False
                    continue
                if header is None or len(raw) != len(header_cells):
                    continue  # not (part of) an action table
                filled = [c for c in raw if c and c.strip()]
                if len(filled) == 1 and _SECTION_ROW.match(filled[0].strip()):
                    section, first_on_page = join_lines(filled[0].split("\n"), vocab), False
                    continue
                cells = {name: raw[i] for i, name in header.items()}
                if first_on_page and records and _continues(cells, records[-1]):
                    _append(records[-1], cells)
                elif filled:
                    records.append(_record(cells, records[-1] if records else None, section, number))
                first_on_page = False
    return [_to_row(doc, n, record, vocab) for n, record in enumerate(records, 1)]


def _norm(cell: str | None) -> str:
    return re.sub(r"\s+", " ", cell or "").strip()


def _strip_repeated_header(raw: list, header_cells: list[str]) -> tuple[bool, list[str]]:
    """Whether a row starts with the table's header in every column, and what follows it.

    Where a repeated header and the rest of a row cut by the page break share a cell (no
    rule between them), the text after the header is the continuation of that row.
    """
    rest = []
    for cell, head in zip(raw, header_cells, strict=True):
        text = _norm(cell)
        if head and not text.startswith(head):
            return False, []
        lines = (cell or "").split("\n")
        taken = 0
        while taken < len(lines) and _norm(" ".join(lines[: taken + 1])) != head and head:
            taken += 1
        rest.append("\n".join(lines[taken + 1 :]) if head else (cell or ""))
    return True, rest


def _settings(page) -> dict:
    """Close the table where its rules end: a row cut by a page break has no closing rule,
    and without one the table finder drops that row on both pages."""
    verticals = [edge for edge in page.edges if edge["orientation"] == "v"]
    if not verticals:
        return {}
    top = min(edge["top"] for edge in verticals)
    bottom = max(edge["bottom"] for edge in verticals)
    return {"explicit_horizontal_lines": [top, bottom]}


def _continues(cells: dict, previous: dict) -> bool:
    """The first row on a page continues the last one when it has no priority of its own."""
    return not (cells.get("priority") or "").strip() and bool(previous.get("priority", "").strip())


def _append(record: dict, cells: dict) -> None:
    for name, text in cells.items():
        if text and text.strip():
            record[name] = f"{record.get(name, '')}\n{text}".strip("\n")


def _record(cells: dict, previous: dict | None, section: str, page: int) -> dict:
    record = {name: text or "" for name, text in cells.items()}
    record["section"], record["page"], record["inherited"] = section, page, []
    for name in _CARRIED:
        # None: the cell is covered by a merged cell above; "": the source leaves it empty
        if cells.get(name) is None and name in cells and previous is not None:
            record[name] = previous.get(name, "")
            record["inherited"].append(name)
    return record


def _to_row(doc: str, number: int, record: dict, vocab) -> ActionRow:
    def text(name: str) -> str:
        return join_lines((record.get(name) or "").split("\n"), vocab)

    cells = {
        name: text(name)
        for name in (
            "section",
            "topic",
            "objective",
            "action",
            "timeframe",
            "priority",
            "kpi",
            "strategic_objectives",
        )
    }
    for name in ("body_in_charge", "responsible_team"):
        items = re.split(_LIST_PATTERN, record.get(name) or "")
        cells[name] = "; ".join(i.strip() for i in items if i.strip())
    cells["inherited"] = "; ".join(record["inherited"])
    return replace(row_from_cells(doc, number, record["page"], cells), source="pdf")
