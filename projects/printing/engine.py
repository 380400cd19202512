"""HTML to PDF with WeasyPrint, one form at a time, in the calling process.

A batch is rendered in parts by the background workers (``projects.background``), each part here in
the worker's own process, so a batch is spread over as many processes as there are workers, on as
many machines; a web process renders a small export only. Each form is laid out as its own
document (``document.FormHTML``), so its pages are numbered 第 1 页 共 N 页 on their own whatever
it is printed with. Writing costs about a fifth of the time, a good part of it subsetting the CJK
font: forms printed together are written a chunk at a time, each chunk one PDF with one subset.
"""

from __future__ import annotations

import gc
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pikepdf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from projects.printing.deadline import render_time_limit
from projects.printing.document import FormHTML

WORKERS = 2

# WeasyPrint's fonts are not shared between threads: each thread of a web process has its own.
_local = threading.local()


def _fonts() -> FontConfiguration:
    if not hasattr(_local, "fonts"):
        _local.fonts = FontConfiguration()
        _local.stylesheets = {}
    fonts: FontConfiguration = _local.fonts
    return fonts


def _stylesheet(css: str) -> weasyprint.CSS:
    fonts, sheets = _fonts(), _local.stylesheets
    if css not in sheets:
        if len(sheets) >= 4:
            sheets.clear()
        sheets[css] = weasyprint.CSS(string=css, font_config=fonts)
    return sheets[css]


def _document(html: str, css: str):
    return FormHTML(html).render(font_config=_fonts(), stylesheets=[_stylesheet(css)])


@contextmanager
def _cycles_collected_at_the_end() -> Iterator[None]:
    """WeasyPrint makes a few hundred thousand objects a form, and Python's cycle collector keeps
    going through them as they pile up: a tenth of the time and more. Without it while a render
    runs, the cycles left are collected once at the end, all in the youngest generation still."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def pdf_of(html: str, css: str) -> bytes:
    """One form as one PDF."""
    return _pdf_of(html, css)


def combined_pdf_of(htmls: list[str], css: str) -> bytes:
    """The forms one after the other, each laid out alone, written as one PDF."""
    return _combined_pdf_of(htmls, css)


def _pdf_of(html: str, css: str) -> bytes:
    with render_time_limit(), _cycles_collected_at_the_end():
        return _written(_document(html, css))


def _combined_pdf_of(htmls: list[str], css: str) -> bytes:
    with render_time_limit(len(htmls)), _cycles_collected_at_the_end():
        documents = [_document(html, css) for html in htmls]
        pages = [page for document in documents for page in document.pages]
        return _written(documents[0].copy(pages))


def _written(document) -> bytes:
    """The document as PDF, its streams compressed by qpdf.

    WeasyPrint compresses every stream at zlib's slowest level, which took a third of the time a
    form spends being written; qpdf compresses at zlib's default level (the file is within 1% of the
    size) and packs the small objects into object streams.
    """
    uncompressed = document.write_pdf(uncompressed_pdf=True)
    with pikepdf.open(io.BytesIO(uncompressed)) as pdf:
        output = io.BytesIO()
        pdf.save(output, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def pdf(html: str, css: str) -> bytes:
    """One form as one PDF, in this process: a web request's single form, or a worker's part."""
    return pdf_of(html, css)


def pdfs(htmls: list[str], css: str) -> list[bytes]:
    """One PDF per form."""
    return [pdf_of(html, css) for html in htmls]


def combined_pdfs(chunks: list[list[str]], css: str) -> list[bytes]:
    """One PDF per chunk of forms."""
    return [combined_pdf_of(chunk, css) for chunk in chunks]
