"""The indicator table's columns, found by the names forms print above them.

Both parsers read a table whose heading names its columns by those names, not by where they sit:
``指标性质 | 指标值 | 度量单位 | 权重`` and ``指标值 | 计量单位 | 权重（%）`` are the same columns.
"""

from __future__ import annotations

import re

from indicators.taxonomy import INDICATOR_COLUMNS

_REMARK = re.compile(r"[（(][^（()）]*[)）]$")


def _key(heading: str) -> str:
    return "".join(heading.split()).lstrip("*＊")


_BY_HEADING = {
    _key(heading): name for name, (label, spellings) in INDICATOR_COLUMNS.items() for heading in (label, *spellings)
}


def column_of(heading: str) -> str | None:
    """The row attribute a column heading names (指标性质 → nature), or None for a heading no layout has;
    a bracketed remark (权重（%）, 分值(0-20)) does not matter."""
    key = _key(heading)
    return _BY_HEADING.get(key) or _BY_HEADING.get(_REMARK.sub("", key))


def heading_of(name: str) -> str:
    """The heading a column prints under."""
    return INDICATOR_COLUMNS[name][0]
