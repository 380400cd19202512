"""Reads a 指标值 as written (≥90%, ≤1500万元, 2023年12月前, 显著) into its parts.

A value is one of five kinds:

- ``quantity``: comparator, number and unit (``≥90%``, ``控制在1,200万元以内``, ``同比下降1%``);
- ``deadline``: a date to finish by (``2023年12月前``, ``2024-06-30``), or a recurring one
  (``每月30日前``, ``每季度末``) that names no year;
- ``qualitative``: words without figures (``显著``, ``及时``, ``全区``);
- ``unreadable``: figures that do not make one target (``2天或16小时``, ``5次及以上≥5%``);
- ``empty``.

Symbols are normalised: full-width ``＞９０％``, ``≧``/``≦``, ``>=``/``<=``, and the Chinese
phrasings 不低于/不少于/以上 (→ ≥) and 不超过/以内/控制在 (→ ≤).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation


class Kind:
    QUANTITY = "quantity"
    DEADLINE = "deadline"
    QUALITATIVE = "qualitative"
    UNREADABLE = "unreadable"
    EMPTY = "empty"


KIND_LABELS = {
    Kind.QUANTITY: "定量",
    Kind.DEADLINE: "时限",
    Kind.QUALITATIVE: "定性",
    Kind.UNREADABLE: "无法识别",
    Kind.EMPTY: "空",
}

# Spellings of a comparator written before the number; matched longest first so that
# 不超过 wins over 超过 and 大于等于 over 大于.
_PREFIXES = {
    ">=": "≥",
    "≥": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "大于等于": "≥",
    "大于或等于": "≥",
    "至少": "≥",
    "达到": "≥",
    "超过": ">",
    "大于": ">",
    "高于": ">",
    "多于": ">",
    ">": ">",
    "<=": "≤",
    "≤": "≤",
    "不超过": "≤",
    "不高于": "≤",
    "不大于": "≤",
    "不多于": "≤",
    "小于等于": "≤",
    "小于或等于": "≤",
    "控制在": "≤",
    "至多": "≤",
    "最多": "≤",
    "低于": "<",
    "小于": "<",
    "少于": "<",
    "<": "<",
    "==": "=",
    "=": "=",
    "等于": "=",
}
_PREFIX_ORDER = sorted(_PREFIXES, key=len, reverse=True)
# Written after the number.
_SUFFIXES = {
    "及以上": "≥",
    "以上": "≥",
    "及以下": "≤",
    "以下": "≤",
    "以内": "≤",
    "之内": "≤",
    "内": "≤",
}
_SUFFIX_ORDER = sorted(_SUFFIXES, key=len, reverse=True)
# A relative target (同比下降1%, 提升20%): the direction is kept apart from the comparator.
_CHANGES = {
    "上升": "increase",
    "增长": "increase",
    "增加": "increase",
    "提高": "increase",
    "提升": "increase",
    "下降": "decrease",
    "降低": "decrease",
    "减少": "decrease",
}
_CHANGE_BASES = ("同比", "环比", "较上年", "比上年", "较去年", "比去年")

# Characters the filings use for the same symbol; full-width ASCII (０-９, ％, ＞, ．) is
# handled by _FULL_WIDTH below and keeps ㎡ and ² as written, unlike NFKC.
_SYMBOLS = str.maketrans({"≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "﹥": ">", "﹤": "<", "﹪": "%", "，": ","})
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

_NUMBER = re.compile(r"^(?P<number>\d+(?:,\d{3})*(?:\.\d+)?|\d*\.\d+)(?P<unit>\D*)$")
_DATE_CN = re.compile(r"(?P<year>(?:19|20)\d{2})年(?:度)?(?:(?P<month>\d{1,2})月份?(?:(?P<day>\d{1,2})[日号])?)?")
_BEFORE = ("之前", "以前", "前", "底", "末", "止")
_AFTER = ("之后", "以后", "后", "起")
_EDGE = "|".join(_BEFORE + _AFTER)
# 2024-06-30, 2024.6: only as the whole value, so that ≥2020.5万元 stays a quantity.
_DATE_ISO = re.compile(
    rf"^(?:截至)?(?P<year>(?:19|20)\d{{2}})[-./](?P<month>\d{{1,2}})(?:[-./](?P<day>\d{{1,2}})日?)?(?P<edge>{_EDGE})?$"
)
# 12月底前, 6月30日前: the budget year is meant; a bare 12月 could be a duration, so an edge word is required.
_DATE_MONTH = re.compile(rf"^(?:截至)?(?P<month>\d{{1,2}})月(?:(?P<day>\d{{1,2}})[日号])?(?P<edge>{_EDGE})")
_PERIOD = r"每(?P<period>个?工作日|天|日|周|星期|个?月|个?季度|季|半年|年度?)"
# 每季度末, 每月30日前, 每年: a deadline that comes back every period.
_RECURRING = re.compile(rf"^{_PERIOD}(?:\d{{1,2}}[日号])?(?:{_EDGE})*$")
# 每月≥2次: a quantity per period.
_PER_PERIOD = re.compile(rf"^{_PERIOD}")
_MAX_UNIT_LENGTH = 20
# Units some layouts spell out (甘肃: =100百分比).
_UNIT_SPELLINGS = {"百分比": "%", "百分之": "%", "千分比": "‰"}

MONEY_UNITS = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
DURATION_UNITS = (
    "秒",
    "分钟",
    "分",
    "小时",
    "个小时",
    "天",
    "日",
    "工作日",
    "个工作日",
    "自然日",
    "周",
    "个星期",
    "星期",
    "个月",
    "月",
    "年",
)
PERCENT_UNITS = ("%", "‰")
# Excel counts days from 1899-12-30; serials of 2000-01-01 … 2099-12-31 are dates pasted as numbers.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(36526, 73051)
# Limits of Indicator.number (max_digits=20, decimal_places=6).
_STORABLE = Decimal(10) ** 14


@dataclass(frozen=True)
class ParsedValue:
    kind: str
    comparator: str = ""
    number: Decimal | None = None
    unit: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    recurring: str = ""  # 每月, 每季度 … for a deadline that comes back every period
    change: str = ""  # increase or decrease for 同比下降1%, 提升20%

    @property
    def deadline(self) -> date | None:
        """The last day the value allows: 2023年12月前 → 2023-12-31, 2023年 → 2023-12-31."""
        if self.kind != Kind.DEADLINE or self.year is None:
            return None
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    @property
    def is_percent(self) -> bool:
        return self.kind == Kind.QUANTITY and self.unit in PERCENT_UNITS

    @property
    def is_duration(self) -> bool:
        return self.kind == Kind.QUANTITY and self.unit in DURATION_UNITS

    @property
    def in_yuan(self) -> Decimal | None:
        """The amount in 元 when the value is money (≤1500万元 → 15000000), else None."""
        if self.kind != Kind.QUANTITY or self.unit not in MONEY_UNITS or self.number is None:
            return None
        return self.number * MONEY_UNITS[self.unit]

    @property
    def excel_date(self) -> date | None:
        """The date an Excel serial stands for (44561 → 2021-12-31) when the value is one."""
        number = self.number
        if self.kind != Kind.QUANTITY or self.unit or number is None or number != number.to_integral_value():
            return None
        if int(number) not in _EXCEL_SERIALS:
            return None
        return _EXCEL_EPOCH + timedelta(days=int(number))

    def as_fields(self) -> dict:
        """The parts an Indicator stores, each within its column's limits."""
        number = self.number
        if number is not None and (abs(number) >= _STORABLE or decimal_places(number) > 6):
            number = None
        return {
            "value_kind": self.kind,
            "comparator": self.comparator,
            "number": number,
            "unit": self.unit,
            "deadline": self.deadline,
        }


def decimal_places(number: Decimal) -> int:
    """Digits written after the point: 2 for 1.50, 0 for 15 (negative for 1.5E+3, which has none)."""
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": a NaN or an infinity
        raise ValueError(f"{number} is not a finite number")
    return -exponent


def normalise(text: str) -> str:
    """Full-width and variant symbols to one spelling; all blanks removed (≥ 95 % → ≥95%)."""
    text = (text or "").translate(_FULL_WIDTH).translate(_SYMBOLS)
    return "".join(text.split())


def _strip_prefix(text: str) -> tuple[str, str]:
    for spelling in _PREFIX_ORDER:
        if text.startswith(spelling) and len(text) > len(spelling):
            return _PREFIXES[spelling], text[len(spelling) :]
    return "", text


def _strip_suffix(text: str) -> tuple[str, str]:
    for spelling in _SUFFIX_ORDER:
        if text.endswith(spelling) and len(text) > len(spelling):
            return _SUFFIXES[spelling], text[: -len(spelling)]
    return "", text


def _strip_change(text: str) -> tuple[str, str]:
    for base in _CHANGE_BASES:
        if text.startswith(base):
            text = text[len(base) :]
            break
    for spelling, direction in _CHANGES.items():
        if text.startswith(spelling) and len(text) > len(spelling):
            return direction, text[len(spelling) :]
    return "", text


def _quantity(text: str, comparator: str, change: str) -> ParsedValue | None:
    match = _NUMBER.match(text)
    if not match:
        return None
    unit = _UNIT_SPELLINGS.get(match["unit"], match["unit"])
    if len(unit) > _MAX_UNIT_LENGTH:
        return None
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    return ParsedValue(Kind.QUANTITY, comparator=comparator, number=number, unit=unit, change=change)


def _deadline(text: str) -> ParsedValue | None:
    match = _DATE_CN.search(text) or _DATE_ISO.match(text) or _DATE_MONTH.match(text)
    if not match:
        return None
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    month = int(groups["month"]) if groups["month"] else None
    day = int(groups["day"]) if groups["day"] else None
    if month is not None and not 1 <= month <= 12:
        return ParsedValue(Kind.UNREADABLE)
    # Day 29 of February is checked against a leap year when no year is written; no pattern reads a day
    # without its month.
    if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year or 2024, month)[1]:
        return ParsedValue(Kind.UNREADABLE)
    after = text[match.end() :] if match.re is _DATE_CN else match["edge"] or ""
    comparator = "≤" if after.startswith(_BEFORE) or text.startswith("截至") else ""
    if after.startswith(_AFTER):
        comparator = "≥"
    return ParsedValue(Kind.DEADLINE, comparator=comparator, year=year, month=month, day=day)


def parse_value(raw: str) -> ParsedValue:
    text = normalise(raw)
    if not text:
        return ParsedValue(Kind.EMPTY)
    recurring = _RECURRING.match(text)
    if recurring:
        return ParsedValue(Kind.DEADLINE, comparator="≤", recurring="每" + recurring["period"])
    deadline = _deadline(text)
    if deadline:
        return deadline
    period = _PER_PERIOD.match(text)
    rest = text[period.end() :] if period else text
    comparator, rest = _strip_prefix(rest)
    change, rest = _strip_change(rest)
    suffix, rest = _strip_suffix(rest)
    quantity = _quantity(rest, comparator or suffix, change)
    if quantity and period:
        return replace(quantity, unit=f"{quantity.unit}/{period['period']}")
    if quantity:
        return quantity
    if any(character.isdigit() for character in text):
        return ParsedValue(Kind.UNREADABLE, comparator=comparator or suffix)
    return ParsedValue(Kind.QUALITATIVE, comparator=comparator or suffix)


# What a layout's 指标性质 column holds when the value is no comparison.
_NOT_COMPARATORS = ("定性", "定量", "定量（其他）", "定量(其他)", "其他")


def combined_target(nature: str, value: str, measure: str) -> str:
    """The target as one text where a layout splits it over columns: ≥ · 95 · % → ≥95%; 定性 · 显著 → 显著.

    A unit the value already ends with is not added twice, nor a comparator it already starts with."""
    value = (value or "").strip()
    if not value:
        return ""
    measure = (measure or "").strip()
    if measure and not normalise(value).endswith(normalise(measure)):
        value = f"{value}{measure}"
    nature = normalise(nature)
    comparator = "" if nature in _NOT_COMPARATORS else _PREFIXES.get(nature, "")
    if comparator and not _strip_prefix(normalise(value))[0]:
        value = f"{comparator}{value}"
    return value


_NO_PARTS = {"value_kind": "", "comparator": "", "number": None, "unit": "", "deadline": None}
PARSED_VALUE_FIELDS = tuple(_NO_PARTS)


def value_parts(value: str, *, not_applicable: bool) -> dict:
    """The parsed parts an Indicator stores beside its value; a 不适用 row has none."""
    return dict(_NO_PARTS) if not_applicable else parse_value(value).as_fields()
