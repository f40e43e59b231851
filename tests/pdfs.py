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


def raw_pdf(objects: list[bytes], trailer_extra: bytes = b"", prev_self: bool = False) -> bytes:
    """A PDF assembled object by object, for structures no writer would produce on purpose
    (reference loops); `objects[i]` is the body of object i+1, object 1 the catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    prev = b" /Prev %d" % xref if prev_self else b""  # the table names itself as the previous one
    out += b"trailer\n<< /Size %d /Root 1 0 R%s%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        prev,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _page_objects(content: bytes, filters: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def bomb_pdf(path: Path, megabytes: int = 600) -> Path:
    """A page whose content stream inflates from under 1 MB to `megabytes` MB."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b"0 0 m\n" * (1 << 17)  # 768 KiB of drawing operators
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes * 4 // 3)) + packer.flush()
    path.write_bytes(raw_pdf(_page_objects(packed, b" /Filter /FlateDecode")))
    return path


def circular_xref_pdf(path: Path) -> Path:
    text = b"BT /F1 12 Tf 72 720 Td (1. A page behind a looping xref.) Tj ET"
    path.write_bytes(raw_pdf(_page_objects(text), prev_self=True))
    return path


def outline_loop_pdf(path: Path) -> Path:
    text = b"BT /F1 12 Tf 72 720 Td (1. A page with looping bookmarks.) Tj ET"
    objects = _page_objects(text)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>"
    objects += [
        b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
        b"<< /Title (Loop) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /First 7 0 R /Last 7 0 R >>",
    ]
    path.write_bytes(raw_pdf(objects))
    return path
