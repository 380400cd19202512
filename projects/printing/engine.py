"""HTML to PDF with WeasyPrint, one form at a time, in a pool of worker processes.

Nothing here imports Django, so the workers start light. Each form is laid out as its own
document (``document.FormHTML``), so its pages are numbered 第 1 页 共 N 页 on their own whatever
it is printed with. Writing costs about a fifth of the time, a good part of it subsetting the CJK
font: forms printed together are written a chunk at a time, each chunk one PDF with one subset.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import lru_cache
from itertools import repeat

import pikepdf
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from projects.printing import speedups
from projects.printing.document import FormHTML

WORKERS = 2

_fonts = FontConfiguration()
_pool: ProcessPoolExecutor | None = None
# Requests and the thread that prints ahead (projects/services/prerender.py) share one pool.
_pool_lock = threading.Lock()


@lru_cache(maxsize=4)
def _stylesheet(css: str) -> weasyprint.CSS:
    return weasyprint.CSS(string=css, font_config=_fonts)


def _document(html: str, css: str):
    return FormHTML(html).render(font_config=_fonts, stylesheets=[_stylesheet(css)])


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


def _with_room_to_recurse(function, *args):
    return function(*args)


# CPython 3.11 keeps the frames of Python calls in 16 KiB chunks: it maps a new chunk when a call
# does not fit in the current one and unmaps it as soon as that call returns. WeasyPrint's layout
# recurses up and down across such a boundary a couple of thousand times a form, and the mmap and
# munmap calls took a tenth of the time. A frame too big for a chunk gets a chunk of its own, the
# next power of two times 16 KiB: a 156 KiB frame here gets 256 KiB, and the whole render below it
# fits in the rest. The frame's slots are only reserved, never used.
_with_room_to_recurse.__code__ = _with_room_to_recurse.__code__.replace(co_stacksize=20_000)


def pdf_of(html: str, css: str) -> bytes:
    """In a worker: one form as one PDF."""
    return _with_room_to_recurse(_pdf_of, html, css)


def combined_pdf_of(htmls: list[str], css: str) -> bytes:
    """In a worker: the forms one after the other, each laid out alone, written as one PDF."""
    return _with_room_to_recurse(_combined_pdf_of, htmls, css)


def _pdf_of(html: str, css: str) -> bytes:
    with _cycles_collected_at_the_end(), speedups.applied():
        return _written(_document(html, css))


def _combined_pdf_of(htmls: list[str], css: str) -> bytes:
    with _cycles_collected_at_the_end(), speedups.applied():
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


def _pool_executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # A fork server forks the workers from a clean process that has imported WeasyPrint
            # once, rather than from a web server process with threads and open connections.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            _pool = ProcessPoolExecutor(WORKERS, mp_context=context)
        return _pool


def start_pool() -> None:
    """Starts every worker and loads its fonts, as a running server has them."""
    _in_pool(pdf_of, ["<p>预热 ≥≤㎡</p>"] * WORKERS, repeat(""))


def worker_pids() -> list[int]:
    """The process ids of the running workers (for the benchmark's CPU figures)."""
    return list(_pool._processes) if _pool is not None else []


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None


def _in_pool(function, *iterables) -> list:
    with _pool_in_use() as pool:
        return list(pool.map(function, *iterables))


@contextmanager
def _pool_in_use() -> Iterator[ProcessPoolExecutor]:
    """The pool, dropped if it turns out broken (a worker died), so that the next call starts a new one."""
    pool = _pool_executor()
    try:
        yield pool
    except BrokenProcessPool:
        _discard(pool)
        raise


def _discard(broken: ProcessPoolExecutor) -> None:
    """Drops a broken pool, unless another thread has already put a new one in its place."""
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


# Even one form is rendered in the pool: a web server's threads never share WeasyPrint's fonts.
def pdf(html: str, css: str) -> bytes:
    return pdfs([html], css)[0]


def pdfs(htmls: list[str], css: str) -> list[bytes]:
    """One PDF per form."""
    return _longest_first(pdf_of, htmls, css, size=len)


def combined_pdfs(chunks: list[list[str]], css: str) -> list[bytes]:
    """One PDF per chunk of forms."""
    return _longest_first(combined_pdf_of, chunks, css, size=lambda chunk: sum(map(len, chunk)))


def combined_pdfs_as_made(chunks: Iterable[list[str]], css: str) -> Iterator[tuple[int, bytes]]:
    """``(position, PDF)`` for each chunk of forms, in the order they are done.

    A chunk goes to the pool as soon as ``chunks`` gives it: the render processes start on the
    first one while the caller is still making the next (see ``services.pdf``).
    """
    positions: dict[Future, int] = {}
    try:
        with _pool_in_use() as pool:
            for position, chunk in enumerate(chunks):
                positions[pool.submit(combined_pdf_of, chunk, css)] = position
            for done in as_completed(positions):
                yield positions[done], done.result()
    finally:
        # After an error, or when the caller stops early, nobody wants the rest: drop what has not started.
        for future in positions:
            future.cancel()


def _longest_first(function, items: list, css: str, *, size) -> list[bytes]:
    """``function(item, css)`` for every item, in the pool, returned in the order given.

    The workers take the items longest first (by the length of their HTML), so that the short
    ones fill in at the end and neither worker is left alone with a long one.
    """
    order = sorted(range(len(items)), key=lambda index: size(items[index]), reverse=True)
    rendered = _in_pool(function, [items[index] for index in order], repeat(css))
    results: list[bytes] = [b""] * len(items)
    for index, pdf in zip(order, rendered, strict=True):
        results[index] = pdf
    return results
