"""Rules on what a 三级指标's name says: 17 (template placeholders left in), 18 (a number in the name
that the value contradicts)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from checks.filing import Filing, Row
from checks.findings import Note, error, warning
from checks.rules.common import quoted
from indicators.values import MONEY_UNITS, Kind

# What a template prints for the filer to replace: ≥**个, ＊＊, XX项目, ××工作, ○○, (请填写…), 【填写说明】,
# in half- or full-width (请 not as in 申请). Latin XX only standing alone, so that a name like "XXL"
# would pass; a bracket around a placeholder is shown with it.
_MARKS = r"[*＊]{2,}|(?<![A-Za-z])(?:[XＸ]{2,}|[xｘ]{2,})(?![A-Za-z])|×{2,}|○{2,}"
_PLACEHOLDERS = re.compile(
    rf"[(（][^)）]*(?:{_MARKS})[^)）]*[)）]|{_MARKS}"
    r"|[(（]\s*请[^)）]*[)）]|(?<!申)请(?:填写|输入|选择)"
    r"|【[^】]*(?:(?<!申)请|填|输入|选择|例|…|\.\.\.)[^】]*】|【\s*】"
)


def placeholder_residue(filing: Filing) -> Iterator[Note]:
    """Rule 17: template placeholders (≥**个, XX, ××, 请填写…, 【…】) left in a 三级指标's name or value."""
    for row in filing.real_rows:
        for part, text, advice in (
            ("三级指标名称", row.name, "请写明实际考核的内容"),
            ("指标值", row.value, "请填写实际的目标值"),
        ):
            found = _PLACEHOLDERS.search(text)
            if found:
                yield error(f"{part}{quoted(text)}中留有模板的占位内容“{found.group()}”：{advice}。", row=row)


# A figure in a name: the number, and the unit right after it (万 and the like kept with the unit, as
# indicators.values keeps them: 4万家). Units are listed so that "5G" or "i深圳2.0" have none.
_UNITS = (
    "%",
    "‰",
    "人次",
    "户次",
    "台次",
    "个工作日",
    "工作日",
    "个月",
    "小时",
    "分钟",
    "平方米",
    "平方公里",
    "公里",
    "千米",
    "公顷",
    "万元",
    "元",
    "个",
    "人",
    "名",
    "位",
    "户",
    "家",
    "件",
    "项",
    "次",
    "场",
    "套",
    "台",
    "辆",
    "所",
    "座",
    "处",
    "条",
    "篇",
    "份",
    "本",
    "册",
    "批",
    "天",
    "日",
    "周",
    "月",
    "年",
    "米",
    "亩",
    "吨",
)
_UNIT = "|".join(sorted((re.escape(unit) for unit in _UNITS), key=len, reverse=True))
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_FIGURE = re.compile(rf"(?P<number>{_NUMBER.pattern})(?P<unit>(?:[万千亿])?(?:{_UNIT}))")
# Bounds written around the figure: 不少于200人, 200人以上 (≥); 2小时内, 不超过50万元 (≤).
_AT_LEAST_BEFORE = ("不少于", "不低于", "至少", "大于", "超过", "达到", "≥", ">")
_AT_MOST_BEFORE = ("不超过", "不高于", "不多于", "至多", "控制在", "少于", "低于", "≤", "<")
_AT_LEAST_AFTER = ("以上", "及以上")
_AT_MOST_AFTER = ("以内", "以下", "之内", "内")


@dataclass(frozen=True)
class _Figure:
    number: Decimal
    unit: str
    bound: str  # ≥, ≤ or "" (the figure itself)


def name_number_mismatch(filing: Filing) -> Iterator[Note]:
    """Rule 18: the one figure a name states (村组干部230人, 完成率95%) differs from the value's."""
    for row in filing.real_rows:
        figure = _figure_in(row.name)
        if figure is None or not _contradicts(figure, row):
            continue
        written = f"{figure.number:f}{figure.unit}"
        yield warning(
            f"三级指标名称{quoted(row.name)}写的是{written}，指标值却是{quoted(row.value)}：请核对两者，"
            "使名称与指标值一致，或把数字从名称中去掉、只写在指标值中。",
            row=row,
        )


def _figure_in(name: str) -> _Figure | None:
    """The name's figure when it has exactly one number and that number has a unit; a year (2023年),
    an ordinal (第3批) or a figure without a unit is none."""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    if len(_NUMBER.findall(text)) != 1:
        return None
    found = _FIGURE.search(text)
    if found is None:
        return None
    before, after = text[: found.start()], text[found.end() :]
    unit = found["unit"]
    if before.endswith("第") or (unit == "年" and len(found["number"]) == 4):
        return None
    bound = ""
    if before.endswith(_AT_LEAST_BEFORE) or after.startswith(_AT_LEAST_AFTER):
        bound = "≥"
    elif before.endswith(_AT_MOST_BEFORE) or after.startswith(_AT_MOST_AFTER):
        bound = "≤"
    return _Figure(Decimal(found["number"].replace(",", "")), unit, bound)


def _contradicts(figure: _Figure, row: Row) -> bool:
    """Whether the value states another figure of the same unit (or of none); a bound in the name holds
    any value within it."""
    parsed = row.parsed
    if parsed.kind != Kind.QUANTITY or parsed.number is None or parsed.change:
        return False
    named, target = figure.number, parsed.number
    if figure.unit in MONEY_UNITS and parsed.unit in MONEY_UNITS:
        named, target = named * MONEY_UNITS[figure.unit], target * MONEY_UNITS[parsed.unit]
    elif parsed.unit and parsed.unit != figure.unit:
        return False
    if figure.bound == "≥":
        return target < named
    if figure.bound == "≤":
        return target > named
    return target != named
