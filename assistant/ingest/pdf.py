"""PDF text with pypdf, page by page, with errors that say what is wrong with the file."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ..errors import DocumentError

_REMEDY_DAMAGED = "re-export it from its source (or print it to a new PDF) and rebuild"


def read_pdf_pages(path: Path, data: bytes) -> list[str]:
    """Text of each page of a PDF, in order; refuses non-PDFs, encrypted PDFs and scans."""
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(
            path, "is not a PDF (no %PDF header)", "check the file; rename or re-export it, then rebuild"
        )
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-xref chatter; we report below
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError(
                path, "is encrypted", "remove the password (save an unprotected copy) and rebuild"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except LimitReachedError as exc:  # a limit pypdf sets itself: not damage, and not ours to raise
        raise DocumentError(
            path,
            f"holds more than the PDF reader's own limits allow ({exc}): a decompression bomb, or "
            "an unusually large image or page",
            "re-export it from its source with smaller images, or split it, then rebuild",
        ) from exc
    except Exception as exc:  # pypdf raises many types for damaged files
        raise DocumentError(
            path, f"is damaged and cannot be parsed ({type(exc).__name__}: {exc})", _REMEDY_DAMAGED
        ) from exc
    if not pages:
        raise DocumentError(path, "has no pages", _REMEDY_DAMAGED)
    if not any(text.strip() for text in pages):
        raise DocumentError(
            path,
            "has no extractable text (a scanned PDF?)",
            "run OCR on it or add a text version of it to the corpus, then rebuild",
        )
    return pages


def _opens_without_password(reader) -> bool:
    """PDFs with only an owner password (printing/copy restrictions) open with an empty one."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
