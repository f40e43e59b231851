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
