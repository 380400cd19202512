"""Rules on the indicator table as a whole: 1 (required categories), 4 (rows complete), 13 (duplicates)."""

from collections.abc import Iterator

from checks.filing import Filing, Row
from checks.findings import Note, error, warning
from checks.rules.common import compact, example_deadline, has_column, quoted
from indicators.taxonomy import clean_label

# Words an explanation may use without saying anything beyond the indicator's name
# (该指标主要考察……是否达标); what is left after them and the name's own characters is the
# explanation's content.
_FILLER = (
    "该指标",
    "此指标",
    "本指标",
    "主要",
    "考察",
    "考核",
    "反映",
    "衡量",
    "本项目",
    "该项目",
    "项目",
    "是否",
    "情况",
    "达标",
    "达到",
    "目标",
    "指标",
    "数量",
    "数值",
    "的",
)
_MIN_CONTENT = 4


def required_categories(filing: Filing) -> Iterator[Note]:
    """Rule 1: every required 二级指标 has at least one real 三级 row."""
    for level1 in filing.template.levels:
        for level2 in level1.children:
            if not level2.required:
                continue
            if any(row.is_real and (row.level1, row.level2) == (level1.name, level2.name) for row in filing.rows):
                continue
            yield error(
                f"必填的二级指标“{level2.name}”没有实际的三级指标（为空或填了“不适用”）：请至少填写一条"
                f"{level2.name}指标，写明三级指标名称、指标值和指标解释。",
                subject=f"{level1.name}/{level2.name}",
            )


def row_complete(filing: Filing) -> Iterator[Note]:
    """Rule 4: each real row has its own name, a value and an explanation that explains."""
    # Layouts without a 指标解释 column (甘肃, 四川) cannot be asked for one.
    asks_explanation = has_column(filing, "explanation")
    for row in filing.real_rows:
        name = compact(row.name)
        if not name:
            yield error("三级指标名称为空：请写明考核的具体内容，如“服务企业数量”。", row=row)
        elif clean_label(row.name.strip()) in (row.level1, row.level2):
            yield error(
                f"三级指标名称{quoted(row.name)}只重复了它的二级指标：请写明具体考核的内容，如“服务企业数量”。",
                row=row,
            )
        if not row.value.strip():
            yield error(f"指标值为空：请填写目标值，如“≥90%”“≤283万元”“{example_deadline(filing)}”。", row=row)
        if not asks_explanation:
            continue
        if not row.explanation.strip():
            yield error("指标解释为空：请说明指标的含义、计算方法或数据来源。", row=row)
        elif name and _only_repeats_name(row):
            yield warning(
                f"指标解释{quoted(row.explanation)}只是重复了指标名称：请写明计算方法（如“完成率=已完成数/计划数×100%”）"
                "或数据来源、取值依据。",
                row=row,
            )


def _only_repeats_name(row: Row) -> bool:
    text = compact(row.explanation)
    for word in _FILLER:
        text = text.replace(word, "")
    name = set(compact(row.name))
    return len([character for character in text if character not in name]) < _MIN_CONTENT


def duplicate_names(filing: Filing) -> Iterator[Note]:
    """Rule 13: the same 三级指标 name twice in one project."""
    seen: dict[str, Row] = {}
    for row in filing.real_rows:
        key = compact(row.name)
        if not key:
            continue
        first = seen.setdefault(key, row)
        if first is not row:
            yield error(
                f"三级指标{quoted(row.name)}重复（第{first.position}行“{first.level1}/{first.level2}”已有同名指标）："
                "请合并这两行，或改用能区分考核内容的名称。",
                row=row,
            )
