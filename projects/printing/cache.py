"""PDFs kept in Django's ``pdf`` cache, keyed on what they are made from.

The key is a hash of the form's HTML and CSS (which hold every printed value, the status and
the review), of the WeasyPrint version and of the engine's user-agent stylesheet: an unchanged
project is served without rendering, and any change to it, to the layout or to the renderer
makes a new key.

A batch is cached by chunks of a few forms: one PDF per form would repeat the font subset in
every form (ten times the size), one PDF for the batch would be rendered again whole whenever
one of its projects changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib.metadata import version

from django.core.cache import caches

from projects.printing.document import USER_AGENT_CSS_PATH

CACHE_ALIAS = "pdf"
# A chunk ends after a form whose code hashes to 0 modulo this, so about this many forms a chunk.
CHUNK_TARGET = 6
CHUNK_MAX = 12
_RENDERER = f"weasyprint {version('weasyprint')}\0{USER_AGENT_CSS_PATH.read_text(encoding='utf-8')}"


def content_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256(_RENDERER.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode())
    return f"{kind}:{digest.hexdigest()}"


def cached(key: str, render: Callable[[], bytes]) -> bytes:
    cache = caches[CACHE_ALIAS]
    pdf = cache.get(key)
    if pdf is None:
        pdf = render()
        cache.set(key, pdf)
    return pdf


def cached_many(keys: list[str], render: Callable[[list[int]], list[bytes]]) -> list[bytes]:
    """One PDF per key; ``render`` gets the positions of the missing ones and renders them together."""
    cache = caches[CACHE_ALIAS]
    found = cache.get_many(keys)
    missing = [index for index, key in enumerate(keys) if key not in found]
    if missing:
        rendered = dict(zip((keys[index] for index in missing), render(missing), strict=True))
        cache.set_many(rendered)
        found.update(rendered)
    return [found[key] for key in keys]


def _ends_chunk(code: str) -> bool:
    return int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) % CHUNK_TARGET == 0


def content_chunks(forms: list[tuple[str, str]]) -> list[list[str]]:
    """The HTML of ``(项目编码, html)`` forms, in order, cut into chunks.

    Where a chunk ends depends on the projects' codes, not on their positions: a project added
    to or removed from a department changes its own chunk only, the others keep their keys
    (unless a run of ``CHUNK_MAX`` forms without a boundary had to be cut by count).
    """
    chunks: list[list[str]] = [[]]
    for code, html in forms:
        chunks[-1].append(html)
        if _ends_chunk(code) or len(chunks[-1]) >= CHUNK_MAX:
            chunks.append([])
    return [chunk for chunk in chunks if chunk]
