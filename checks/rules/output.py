"""Rules on 数量 and 时效 targets: 6 (upper bounds), 7 (rates as quantities), 9 (deadlines)."""

from collections.abc import Iterator
from datetime import date

from checks.filing import Filing, Row
from checks.findings import Note, error, warning
from checks.rules.common import counts_bad_things, example_deadline, quoted
from indicators.values import Kind

# Names that make a percentage a timeliness rate (及时率, 按时完成比例).
_TIMELINESS_WORDS = ("及时", "按时", "准时", "时效", "时限", "如期", "按期", "限时", "即办")


def quantity_upper_bound(filing: Filing) -> Iterator[Note]:
    """Rule 6: a 数量 target written as ≤ or <, unless it counts complaints, accidents and the like."""
    for row in _rows_in(filing, "数量"):
        parsed = row.parsed
        if parsed.kind == Kind.QUANTITY and parsed.comparator in ("≤", "<") and not counts_bad_things(row.name):
            yield warning(
                f"数量指标{quoted(row.name)}的目标写成上限{quoted(row.value)}：数量目标是至少要完成的量，"
                f"请改为“≥{parsed.number}{parsed.unit}”或确定的数值；只有投诉、事故等越少越好的数量才用“≤”。",
                row=row,
            )


def quantity_rate(filing: Filing) -> Iterator[Note]:
    """Rule 7: a 数量 target that is a rate belongs under 质量 or 时效."""
    for row in _rows_in(filing, "数量"):
        if row.parsed.is_percent or row.name.strip().endswith("率"):
            yield warning(
                f"数量指标{quoted(row.name)}是比率（{row.value.strip()}）：完成率、合格率反映质量，及时率反映时效，"
                "请移到质量或时效指标；数量指标写实际完成的数量，如“≥300件”。",
                row=row,
            )


def timeliness(filing: Filing) -> Iterator[Note]:
    """Rule 9: 时效 is a deadline within the budget year or the 实施期限, a time limit, or a 及时率."""
    window = _window(filing)
    for row in _rows_in(filing, "时效"):
        parsed = row.parsed
        if parsed.kind == Kind.QUANTITY and parsed.excel_date:
            day = parsed.excel_date
            yield error(
                f"指标值{quoted(row.value)}是Excel日期序号（即{day.year}年{day.month}月{day.day}日），不是时限："
                f"请写成“{day.year}年{day.month}月{day.day}日前”。",
                row=row,
            )
        elif parsed.kind == Kind.DEADLINE:
            yield from _deadline_in_window(filing, row, window)
        elif parsed.kind == Kind.QUALITATIVE:
            yield warning(
                f"时效指标{quoted(row.name)}的指标值{quoted(row.value)}无法考核：请写明完成时限（如"
                f"“{example_deadline(filing)}”）、响应时限（如“≤24小时”）或及时率（如“≥95%”）。",
                row=row,
            )
        elif parsed.is_percent and not any(word in row.name for word in _TIMELINESS_WORDS):
            yield warning(
                f"时效指标{quoted(row.name)}的指标值是百分比{quoted(row.value)}，但名称不是及时率：请写明完成时限"
                f"（如“{example_deadline(filing)}”），或把名称改为“……及时率”并在指标解释中写明计算方法。",
                row=row,
            )


def _rows_in(filing: Filing, category: str) -> list[Row]:
    return [row for row in filing.real_rows if row.is_in(category)]


def _window(filing: Filing) -> tuple[date, date] | None:
    """From the start of the budget year to the end of the 实施期限."""
    if not filing.fiscal_year:
        return None
    years = max(filing.duration_years or 1, 1)
    return date(filing.fiscal_year, 1, 1), date(filing.fiscal_year + years - 1, 12, 31)


def _deadline_in_window(filing: Filing, row: Row, window: tuple[date, date] | None) -> Iterator[Note]:
    deadline = row.parsed.deadline
    if window is None or deadline is None:
        return
    start, end = window
    if deadline < start:
        yield error(
            f"时效指标{quoted(row.name)}的时限{quoted(row.value)}早于预算年度{filing.fiscal_year}年：请填写本年度内的完成时限，"
            f"如“{example_deadline(filing)}”。",
            row=row,
        )
    elif deadline > end:
        yield error(
            f"时效指标{quoted(row.name)}的时限{quoted(row.value)}晚于实施期限（{start.year}年至{end.year}年）："
            "请核对时限或实施期限。",
            row=row,
        )
