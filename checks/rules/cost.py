"""Rule 8: a 成本 (or 经济成本) target is money (or a cost-control rate) with ≤ or =, consistent with the budget."""

from collections.abc import Iterator

from checks.filing import Filing, Row
from checks.findings import Note, error, warning
from checks.rules.common import is_money_cost, quoted
from indicators.values import MONEY_UNITS, Kind

_UPPER_OR_EXACT = ("≤", "=", "")


def cost_target(filing: Filing) -> Iterator[Note]:
    """Rule 8: 成本 is money (a total, or a cost per unit such as 1600元/亩) or a cost-control rate ≤100 %, with
    ≤ or =, and a total not above the year's budget.

    Only the costs that are money: 社会成本 and 生态环境成本 are left to the rules on every value."""
    rows = [row for row in filing.real_rows if is_money_cost(row)]
    money = [row for row in rows if row.parsed.in_yuan is not None]
    for row in rows:
        parsed = row.parsed
        if parsed.in_yuan is not None:
            if parsed.comparator not in _UPPER_OR_EXACT:
                yield error(
                    f"成本指标{quoted(row.name)}写成{quoted(row.value)}：成本目标是不应超过的金额，请用“≤”或“=”，"
                    f"如“≤{parsed.number}{parsed.unit}”。",
                    row=row,
                )
            yield from _against_budget(filing, row, is_total=len(money) == 1 or "总" in row.name)
        elif _is_unit_cost(row):
            # 1600元/亩, ≤3万元/人: a cost per unit of output, money too, but not comparable with the budget.
            if parsed.comparator not in _UPPER_OR_EXACT:
                yield error(
                    f"成本指标{quoted(row.name)}写成{quoted(row.value)}：单位成本是不应超过的金额，请用“≤”或“=”，"
                    f"如“≤{parsed.number}{parsed.unit}”。",
                    row=row,
                )
        elif _is_cost_control_rate(row):
            if parsed.comparator not in _UPPER_OR_EXACT or (parsed.number is not None and parsed.number > 100):
                yield error(
                    f"成本控制率{quoted(row.value)}应不超过100%：请写成“≤100%”，表示实际成本不超过预算。",
                    row=row,
                )
        elif parsed.kind not in (Kind.EMPTY, Kind.UNREADABLE):
            yield error(
                f"成本指标{quoted(row.name)}的指标值{quoted(row.value)}既不是金额，也不是成本控制率：请填写不超过本年度"
                f"项目金额的成本金额{_budget_example(filing)}，或成本控制率（“≤100%”）。",
                row=row,
            )


def _is_unit_cost(row: Row) -> bool:
    parsed = row.parsed
    return parsed.kind == Kind.QUANTITY and parsed.unit.split("/", 1)[0] in MONEY_UNITS and "/" in parsed.unit


def _is_cost_control_rate(row: Row) -> bool:
    name = row.name
    return row.parsed.is_percent and ("控制" in name or ("成本" in name and name.strip().endswith("率")))


def _against_budget(filing: Filing, row: Row, *, is_total: bool) -> Iterator[Note]:
    budget, target = filing.current_amount, row.parsed.in_yuan
    if budget is None or target is None:
        return
    if target > budget:
        yield error(
            f"成本指标{quoted(row.name)}为{quoted(row.value)}（{filing.money(target)}），高于本年度项目金额"
            f"{filing.money(budget)}：成本目标不能超过本年度预算，请核对并改为不超过{filing.money(budget)}。",
            row=row,
        )
    elif is_total and target * 2 < budget:
        yield warning(
            f"总成本指标{quoted(row.name)}为{quoted(row.value)}（{filing.money(target)}），不到本年度项目金额"
            f"{filing.money(budget)}的一半：请核对成本目标或本年度金额是否有误。",
            row=row,
        )


def _budget_example(filing: Filing) -> str:
    return f"（如“≤{filing.money(filing.current_amount)}”）" if filing.current_amount else ""
