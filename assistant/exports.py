"""Action rows as CSV (any spreadsheet) and XLSX (openpyxl) for staff to filter and share."""

from __future__ import annotations

import csv
from pathlib import Path

from .actions import ActionRow

COLUMNS = (
    ("id", "Id"),
    ("section", "Strategic priority"),
    ("strategic_objectives", "Strategic objectives"),
    ("topic", "Area/Topic"),
    ("objective", "Objective"),
    ("action", "Action"),
    ("timeframe", "Timeframe"),
    ("due_start", "From"),
    ("due_end", "Due"),
    ("priority", "Priority"),
    ("kpi", "KPI"),
    ("body_in_charge", "Body in charge"),
    ("responsible_team", "Responsible team"),
    ("gcap", "GCAP (likely match)"),
    ("status", "Status"),
    ("doc", "Document"),
    ("page", "Page"),
    ("inherited", "Inherited from the row above"),
    ("note", "Note"),
)


def table(rows: list[ActionRow]) -> list[list]:
    """Header and one list of cell values per row; list fields joined with '; '."""

    def value(row: ActionRow, name: str):
        item = getattr(row, name)
        return "; ".join(item) if isinstance(item, list) else ("" if item is None else item)

    return [[label for _, label in COLUMNS]] + [[value(r, n) for n, _ in COLUMNS] for r in rows]


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
