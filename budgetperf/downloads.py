"""Names of the files people download: single files, zip entries and background jobs' results.

The names are made of what people typed or imported (a unit's or a project's name), so they may hold
characters that mislead or break where the file lands: U+202E (RIGHT-TO-LEFT OVERRIDE) shows
``申报表‮fdp.exe`` as ``申报表exe.pdf``, other bidirectional and zero-width marks hide what a name
says, control characters and line breaks end a header or a zip entry's name, and ``/`` or ``\\`` make
a zip entry or a stored file a path. Every download's name goes through ``safe_filename``.
"""

from __future__ import annotations

import re
import unicodedata

# Control (Cc), format (Cf: the bidirectional marks and overrides, zero-width characters, the byte
# order mark), line and paragraph separators, private-use and surrogate code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})
# What Windows does not allow in a name, and the path separators everywhere.
_RESERVED = re.compile(r'[\\/:*?"<>|]+')
_SPACES = re.compile(r"\s+")
# Tabs and line breaks part words: they become spaces (the other control characters go).
_BREAKS = re.compile("[\t\n\r\v\f\x85\u2028\u2029]")
# Bytes of UTF-8 a name may take: room below the 255 of common file systems for a suffix such as
# " (1)" that a browser adds, and for the folder of a zip's entries.
MAX_NAME_BYTES = 180
FALLBACK_STEM = "download"


def safe_filename(name: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """``name`` as a file name that shows what it is: without control and bidirectional characters,
    without path separators and the characters Windows forbids (each run becomes ``_``), with
    single spaces, and cut to ``max_bytes`` of UTF-8 before its extension."""
    name = _BREAKS.sub(" ", unicodedata.normalize("NFC", name))
    name = "".join(char for char in name if unicodedata.category(char) not in _DROPPED_CATEGORIES)
    name = _SPACES.sub(" ", _RESERVED.sub("_", name)).strip()
    stem, dot, extension = name.rpartition(".")
    if not dot or not extension.isascii() or not extension.isalnum() or len(extension) > 8:
        stem, dot, extension = name, "", ""
    suffix = dot + extension
    # No name of dots only, none hidden (a leading dot), none that Windows would cut (a trailing one).
    stem = _cut(stem, max_bytes - len(suffix.encode())).strip(" .") or FALLBACK_STEM
    return stem + suffix


def _cut(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")
