"""Putting PDFs together: one merged PDF, or a zip of one PDF per form."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter


def merge_pdfs(pdfs: list[bytes], *, title: str = "") -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    if title:
        writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_files(files: list[tuple[str, bytes]]) -> bytes:
    """PDFs are compressed already: stored as they are, the zip is made at once."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return output.getvalue()
