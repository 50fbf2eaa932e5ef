"""Real files for upload tests: uploads are accepted by content (gridgov/files.py), so a test
needs a PDF that parses, not just its magic bytes."""

import io

from pypdf import PdfWriter


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
