"""Rules on how each 指标值 is written: 5 (readable, with a unit), 11 (vague), 12 (input measures),
19 (a rate above 100 %)."""

from collections.abc import Iterator

from checks.filing import Filing, Row
from checks.findings import Note, error, warning
from checks.rules.common import example_deadline, is_money_cost, quoted
from indicators.values import Kind

VAGUE_WORDS = ("显著", "明显", "有效", "良好", "持续", "逐步", "进一步", "有所", "提升", "长远")
# Measures of money going in, not of what the project puts out.
INPUT_MEASURES = ("资金到位", "预算执行", "支出进度", "支付进度", "资金支付率", "资金支出率")
# 一级指标 that measure what the project does; 成本 is one where the layout makes it a 一级 (财预〔2021〕101号).
_OUTPUT_AND_EFFECT = ("产出", "成本", "效益")
# Names of a change, which may well exceed 100 % (增长率 ≥150%).
_GROWTH_WORDS = ("增长", "增幅", "增速", "提高", "提升", "同比", "环比")
# What a rate is called: 完成率, 覆盖率; 占比 and 比例 are shares of a whole too.
_RATE_ENDINGS = ("率", "占比", "比例")


def value_readable(filing: Filing) -> Iterator[Note]:
    """Rule 5: the value reads as one target; a figure has a unit; a rate lies within 0–100 %."""
    for row in filing.real_rows:
        parsed = row.parsed
        if parsed.kind == Kind.UNREADABLE:
            yield error(
                f"指标值{quoted(row.value)}无法识别为一个目标值：请只写一个比较符、数值和单位（如“≥16小时”），"
                f"时间写成“{example_deadline(filing)}”，其余说明写在指标解释中。",
                row=row,
            )
        elif parsed.kind == Kind.QUANTITY and not parsed.unit:
            if row.is_in("时效") and parsed.excel_date:
                continue  # an Excel date serial: rule 9 says so
            target = f"{parsed.comparator}{parsed.number}"
            examples = f"“{target}%”或“{target}分”" if _is_score(row.name) else f"“{target}个”“{target}次”"
            yield error(f"指标值{quoted(row.value)}没有计量单位：请写明单位，如{examples}。", row=row)
        elif _above_100_percent(row) and not _is_growth(row) and not _is_rate_above_100(row):
            # A rate above 100 % is rule 19's; this one is about other percentages.
            yield error(
                f"指标值{quoted(row.value)}超出0–100%：比率不会超过100%，请核对数值；如要表示增长幅度，请写成“较上年提升…%”。",
                row=row,
            )


def _is_score(name: str) -> bool:
    name = name.strip()
    return name.endswith(("率", "度")) or any(word in name for word in ("满意", "考核", "得分", "评分"))


def vague_value(filing: Filing) -> Iterator[Note]:
    """Rule 11: vague words with no figure; and a table mostly made of words."""
    rows = filing.real_rows
    for row in rows:
        if row.parsed.kind != Kind.QUALITATIVE or not any(word in row.value for word in VAGUE_WORDS):
            continue
        message = (
            f"指标值{quoted(row.value)}是模糊的描述，无法考核：请改为可衡量的目标，如“≥90%”“较上年提升5%”，"
            "并在指标解释中写明计算方法。"
        )
        # These targets must be figures: a vague 数量 or money cost is an error.
        if row.is_in("数量") or is_money_cost(row):
            yield error(message, row=row)
        else:
            yield warning(message, row=row)
    qualitative = [row for row in rows if row.parsed.kind == Kind.QUALITATIVE]
    if rows and len(qualitative) * 2 > len(rows):
        examples = "、".join(dict.fromkeys(quoted(row.value) for row in qualitative[:10]))
        yield warning(
            f"本表{len(rows)}条三级指标中有{len(qualitative)}条是定性描述（如{examples}），超过一半："
            "请尽量改为可衡量的数值、比率或时限。",
            subject="指标表",
        )


def input_measure(filing: Filing) -> Iterator[Note]:
    """Rule 12: 资金到位率, 预算执行率, 支出进度 used as an output or an effect."""
    for row in filing.real_rows:
        if row.level1 not in _OUTPUT_AND_EFFECT:
            continue
        measure = next((word for word in INPUT_MEASURES if word in row.name), None)
        if measure is None:
            continue
        hint = "成本指标请写成本金额或成本控制率（“≤100%”）" if is_money_cost(row) else "请改为反映项目产出或效益的指标"
        yield warning(
            f"{quoted(row.name)}衡量的是资金投入（{measure}），不是项目的产出或效益：{hint}；"
            "预算执行进度由财政部门另行监控。",
            row=row,
        )


def rate_above_100(filing: Filing) -> Iterator[Note]:
    """Rule 19: a rate (…率, 占比) whose target is above 100 %, unless it is a growth or a money cost."""
    for row in filing.real_rows:
        if _is_rate_above_100(row):
            yield error(
                f"{quoted(row.name)}是比率，目标{quoted(row.value)}却超过100%：比率最高为100%，请核对数值"
                "（如“≥95%”“=100%”）；如要表示增长，请把名称写成“……增长率”或写成“较上年提升…%”。",
                row=row,
            )


def _is_rate_above_100(row: Row) -> bool:
    """A rate with ≥, = or > above 100 %. A money cost's percentage is rule 8's (成本控制率 ≤100%), and a
    growth may exceed 100 %."""
    if row.parsed.comparator not in ("≥", "=", ">", "") or is_money_cost(row) or _is_growth(row):
        return False
    name = row.name.strip().rstrip("%％()（）").strip()
    return name.endswith(_RATE_ENDINGS) and _above_100_percent(row)


def _above_100_percent(row: Row) -> bool:
    parsed = row.parsed
    if not parsed.is_percent or parsed.change or parsed.number is None:
        return False
    return parsed.number > 100 or (parsed.number == 100 and parsed.comparator == ">")


def _is_growth(row: Row) -> bool:
    return any(word in row.name for word in _GROWTH_WORDS)
