"""Rule 10: 满意度 targets are percentages with ≥, normally 80–95 %."""

from collections.abc import Iterator

from checks.filing import Filing, Row
from checks.findings import Note, error, warning
from checks.rules.common import counts_bad_things, quoted
from indicators.values import Kind

_SATISFACTION = "满意度"
_SATISFACTION_NAMES = ("满意", "好评")
_USUAL_LOW, _USUAL_HIGH = 80, 95


def satisfaction(filing: Filing) -> Iterator[Note]:
    """Rule 10: 满意度 is a percentage with ≥, normally 80–95 %; satisfaction rows sit under 满意度."""
    for row in filing.real_rows:
        if row.is_in(_SATISFACTION):
            yield from _satisfaction_row(row)
        elif "满意" in row.name:
            yield warning(
                f"{quoted(row.name)}是满意度指标，却放在“{row.level1}/{row.level2}”下：请移到“满意度”一级指标下。",
                row=row,
            )


def _satisfaction_row(row: Row) -> Iterator[Note]:
    parsed = row.parsed
    named = any(word in row.name for word in _SATISFACTION_NAMES)
    if not named:
        yield warning(
            f"满意度指标{quoted(row.name)}的名称中没有“满意”：满意度指标考核服务对象的满意程度，如“服务对象满意度”；"
            "投诉率、得分率等请移到质量或社会效益指标。",
            row=row,
        )
    if parsed.kind == Kind.QUALITATIVE:
        yield error(
            f"满意度指标值{quoted(row.value)}是定性描述：满意度须写成百分比，如“≥90%”，并在指标解释中写明调查方法。",
            row=row,
        )
        return
    if parsed.kind != Kind.QUANTITY or parsed.number is None or counts_bad_things(row.name):
        return
    if parsed.comparator in ("≤", "<"):
        yield error(
            f"满意度目标{quoted(row.value)}写成了上限：满意度是至少要达到的比例，请写成“≥{parsed.number}{parsed.unit}”。",
            row=row,
        )
        return
    if not parsed.unit:
        return  # rule 5 asks for the unit
    if not parsed.is_percent:
        yield warning(
            f"满意度目标{quoted(row.value)}不是百分比：满意度通常写成“≥90%”；如用分数，请在指标解释中写明满分和换算方法。",
            row=row,
        )
    elif parsed.number >= 100:
        yield warning(
            f"满意度目标{quoted(row.value)}为100%，几乎无法实现：请按往年调查结果设定，通常为“≥85%”至“≥95%”。",
            row=row,
        )
    elif not _USUAL_LOW <= parsed.number <= _USUAL_HIGH:
        yield warning(
            f"满意度目标{quoted(row.value)}不在通常的80%–95%之间：请核对目标，并在指标解释中说明设定依据。",
            row=row,
        )
    elif not parsed.comparator:
        yield warning(
            f"满意度目标{quoted(row.value)}没有比较符：请写成下限，如“≥{parsed.number}%”。",
            row=row,
        )
