"""Action rows as CSV (any spreadsheet) and XLSX (openpyxl) for staff to filter and share."""

from __future__ import annotations

import csv
from pathlib import Path

from .ingest.actions import COLUMNS, LABELS, LIST_SEPARATOR, ActionRow, cell_text


def table(rows: list[ActionRow]) -> list[list]:
    """Header and one list of cell values per row (every field of the schema but the register's
    row number); list fields joined with '; '."""
    names = [c.name for c in COLUMNS if c.name != "row"]
    return [[LABELS[n] for n in names]] + [[cell_text(r, n, LIST_SEPARATOR) for n in names] for r in rows]


def write_csv(rows: list[ActionRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads UTF-8
        csv.writer(handle).writerows(table(rows))


def xlsx_bytes(rows: list[ActionRow]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    for line in table(rows):
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column in sheet.columns:
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsx(rows: list[ActionRow], path: Path) -> None:
    path.write_bytes(xlsx_bytes(rows))
