"""PDFs kept in Django's ``pdf`` cache, keyed on what they are made from.

The key is a hash of the form's HTML and CSS (which hold every printed value, the status and
the review), of the WeasyPrint version and of the engine's user-agent stylesheet: an unchanged
project is served without rendering, and any change to it, to the layout or to the renderer
makes a new key.

A batch is cached by chunks of several forms: one PDF per form would repeat the font subset in
every form (ten times the size) and its cost (about 20 ms a PDF, a third as much again as laying
out a form), one PDF for the batch would be rendered again whole whenever one of its projects
changes.

The cache only saves work: a folder that is read-only or full, or a Redis or database that does not
answer, must not stop an export. Whatever the cache raises is logged as a warning and the PDFs are
rendered and served without it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any, TypeVar

from django.core.cache import BaseCache, caches

from projects.printing.document import USER_AGENT_CSS_PATH

CACHE_ALIAS = "pdf"
# A chunk ends after a form whose code hashes to 0 modulo this: at most this many forms a chunk on
# average, about 8 once the longest runs are cut.
CHUNK_TARGET = 10
# A run that reaches the maximum without such a form is cut after the last form whose code hashes
# to 0 modulo this smaller number, so that it too is cut where the codes say (and by count only
# when there is none).
CHUNK_BACKUP = 4
CHUNK_MAX = 20
T = TypeVar("T")
logger = logging.getLogger(__name__)
_RENDERER = f"weasyprint {version('weasyprint')}\0{USER_AGENT_CSS_PATH.read_text(encoding='utf-8')}"


def content_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256(_RENDERER.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode())
    return f"{kind}:{digest.hexdigest()}"


def cached(key: str, render: Callable[[], bytes]) -> bytes:
    pdf = None
    with _best_effort("读取"):
        pdf = _cache().get(key)
    if pdf is None:
        pdf = render()
        with _best_effort("写入"):
            _cache().set(key, pdf)
    return pdf


def cached_many(keys: list[str], render: Callable[[list[int]], list[bytes]]) -> list[bytes]:
    """One PDF per key; ``render`` gets the positions of the missing ones and renders them together."""
    found: dict[str, Any] = {}
    with _best_effort("读取"):
        found = _cache().get_many(keys)
    missing = [index for index, key in enumerate(keys) if key not in found]
    if missing:
        rendered = dict(zip((keys[index] for index in missing), render(missing), strict=True))
        with _best_effort("写入"):
            _cache().set_many(rendered)
        found.update(rendered)
    return [found[key] for key in keys]


def _cache() -> BaseCache:
    # Opening a local cache makes its folder and database, which fails as reading or writing does.
    return caches[CACHE_ALIAS]


@contextmanager
def _best_effort(action: str) -> Iterator[None]:
    """Any backend's failure (OSError or sqlite3's for a local folder, Redis's, the database's) is
    only a cache miss: the PDF is rendered, or stays uncached."""
    try:
        yield
    except Exception:
        logger.warning("PDF 缓存无法%s，本次不经缓存", action, exc_info=True)


def _code_hash(code: str) -> int:
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)


def content_chunks(forms: list[tuple[str, T]]) -> list[list[T]]:
    """The forms, given as ``(项目编码, form)`` pairs, in order, cut into chunks.

    Where a chunk ends depends on the projects' codes, not on their positions: a project added
    to or removed from a department usually changes its own chunk only, the others keep their
    keys. A run of ``CHUNK_MAX`` forms without a boundary is cut at its last backup boundary,
    which is also a matter of codes (content-defined chunking with two divisors); only a run
    without one either is cut by count, and then a change can move the next cut too (about one
    change in ten touches two or three chunks).
    """
    chunks: list[list[T]] = []
    current: list[T] = []
    backup = 0  # forms in ``current`` up to its last backup boundary
    for code, form in forms:
        current.append(form)
        hashed = _code_hash(code)
        if hashed % CHUNK_TARGET == 0:
            chunks.append(current)
            current, backup = [], 0
        elif hashed % CHUNK_BACKUP == 0:
            backup = len(current)
        if len(current) >= CHUNK_MAX:
            cut = backup or len(current)
            chunks.append(current[:cut])
            current, backup = current[cut:], 0
    if current:
        chunks.append(current)
    return chunks
