"""Real PDFs for the tests, written by reportlab (not hand-made bytes)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def text_pdf(path: Path, pages: list[list[str]], encrypt: str | None = None) -> Path:
    """A PDF with one page per list of lines, optionally protected by a user password."""
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        y = A4[1] - 72
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF of shapes only, as a scan looks to a text extractor: no text layer."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for x in range(72, 400, 24):
        pdf.rect(x, 400, 16, 200, fill=1)
    pdf.showPage()
    pdf.save()
    return path


HEADER = [
    "Strategic objective",
    "Area/Topic",
    "Objective",
    "Actions",
    "Timeframe",
    "Priority",
    "KPI",
    "Body in charge",
    "Responsible team",
]


def action_table_pdf(
    path: Path,
    groups: list[tuple[str, list[list[str]]]],
    repeat_header: bool = True,
    merge_topics: bool = True,
) -> Path:
    """A ruled action table as plans print it: sections spanning the table, merged topic and
    objective cells over a group of rows, rows long enough to run over page breaks."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    style = getSampleStyleSheet()["BodyText"]
    style.fontSize, style.leading = 8, 10

    def cell(text):
        return Paragraph(text.replace("&", "&amp;").replace("\n", "<br/>"), style) if text else ""

    data = [[cell(h) for h in HEADER]]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for section, rows in groups:
        data.append([cell(section)] + [""] * (len(HEADER) - 1))
        commands.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
        start = len(data)
        for i, row in enumerate(rows):
            shown = list(row)
            if merge_topics and i > 0 and row[1] == rows[0][1] and row[2] == rows[0][2]:
                shown[1] = shown[2] = ""  # drawn once, in a cell spanning the group
            data.append([cell(c) for c in shown])
        if merge_topics and len(rows) > 1 and all(r[1] == rows[0][1] for r in rows):
            commands.append(("SPAN", (1, start), (1, len(data) - 1)))
            commands.append(("SPAN", (2, start), (2, len(data) - 1)))
    widths = [55, 70, 90, 170, 60, 40, 100, 60, 70]
    table = Table(data, colWidths=widths, repeatRows=1 if repeat_header else 0, splitInRow=1)
    table.setStyle(TableStyle(commands))
    SimpleDocTemplate(str(path), pagesize=landscape(A4), topMargin=36, bottomMargin=36).build([table])
    return path
