"""Reads a 指标值 as written (≥90%, ≤1500万元, 2023年12月前, 显著) into its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Symbols and Chinese phrasings that mean a comparator; the longest spellings come first.
_PREFIX_COMPARATORS = (
    (">=", "≥"), ("≧", "≥"), ("≥", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
    ("大于等于", "≥"), ("达到", "≥"), ("<=", "≤"), ("≦", "≤"), ("≤", "≤"), ("不超过", "≤"),
    ("不高于", "≤"), ("不大于", "≤"), ("小于等于", "≤"), ("控制在", "≤"), ("大于", ">"), (">", ">"),
    ("小于", "<"), ("<", "<"), ("==", "="), ("=", "="), ("等于", "="),
)
_SUFFIX_COMPARATORS = (("及以上", "≥"), ("以上", "≥"), ("以内", "≤"), ("以下", "≤"), ("之内", "≤"))

_NUMBER = re.compile(r"^(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>[^0-9\s][^0-9]*)?$")
_DATE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年(?:\s*(?P<month>\d{1,2})\s*月)?(?:\s*(?P<day>\d{1,2})\s*日)?")
_MAX_UNIT_LENGTH = 20


@dataclass(frozen=True)
class ParsedValue:
    """``kind`` is quantity, deadline, qualitative or empty."""

    kind: str
    comparator: str = ""
    number: Decimal | None = None
    unit: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None


# Full-width ASCII (０-９, ％, ＞, ．) to ASCII; unlike NFKC this keeps ㎡ and ² as written.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _normalise(text: str) -> str:
    return text.translate(_FULL_WIDTH).strip()


def _split_comparator(text: str) -> tuple[str, str]:
    comparator = ""
    for spelling, symbol in _PREFIX_COMPARATORS:
        if text.startswith(spelling):
            comparator, text = symbol, text[len(spelling):].strip()
            break
    for spelling, symbol in _SUFFIX_COMPARATORS:
        if text.endswith(spelling):
            comparator, text = comparator or symbol, text[: -len(spelling)].strip()
            break
    return comparator, text


def parse_value(raw: str) -> ParsedValue:
    text = _normalise(raw or "")
    if not text:
        return ParsedValue("empty")
    comparator, rest = _split_comparator(text)
    date = _DATE.search(rest)
    if date:
        return ParsedValue(
            "deadline",
            comparator=comparator,
            year=int(date["year"]),
            month=int(date["month"]) if date["month"] else None,
            day=int(date["day"]) if date["day"] else None,
        )
    match = _NUMBER.match(rest)
    if match:
        unit = (match["unit"] or "").strip()
        try:
            number = Decimal(match["number"].replace(",", ""))
        except InvalidOperation:
            number = None
        if number is not None and len(unit) <= _MAX_UNIT_LENGTH:
            return ParsedValue("quantity", comparator=comparator, number=number, unit=unit)
    return ParsedValue("qualitative", comparator=comparator)
