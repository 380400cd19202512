"""Rules on the header of the form: 2 (complete), 3 (amounts and 实施期限), 14 (goals pasted)."""

import re
from collections.abc import Iterator
from functools import cache

from checks.filing import Filing
from checks.findings import Note, error, warning
from checks.rules.common import compact

# 行政区划代码 the 项目编码 starts with, per district as Department.district names it.
AREA_CODES = {
    "罗湖区": "440303",
    "福田区": "440304",
    "南山区": "440305",
    "宝安区": "440306",
    "龙岗区": "440307",
    "盐田区": "440308",
    "龙华区": "440309",
    "坪山区": "440310",
    "光明区": "440311",
    "深汕特别合作区": "440313",
}
# The header fields every 二级 layout asks for unless it leaves them out (``TemplateSpec.omitted``): the
# label the Shenzhen form prints and what to write. A layout that prints a field under another label
# (甘肃: 项目分类 for 项目类型) is named by that label.
_REQUIRED = {
    "name": ("项目名称", "请填写项目名称。"),
    "department": ("申请单位", "请填写申请单位的全称。"),
    "project_type": ("项目类型", "请按代码和名称填写，如“15 其他经费”。"),
    "annual_goal": ("年度目标", "请写明本年度通过项目要完成的任务和达到的效果。"),
    "duration_years": ("实施期限", "请填写项目实施的年数，如“3”。"),
    "total_amount": ("项目总金额（中期规划）", "请填写项目实施期限内的总金额。"),
    "current_amount": ("本年度项目金额", "请填写本预算年度安排的金额。"),
}


def header_complete(filing: Filing) -> Iterator[Note]:
    """Rule 2: every header field the form's layout requires is filled, and the code has the layout's shape."""
    yield from _code(filing)
    omitted = set(filing.template.omitted)
    for field, (label, hint) in _REQUIRED.items():
        if field in omitted or not _is_blank(getattr(filing, field)):
            continue
        relabelled = filing.template.label_of(field)
        if relabelled:
            label, hint = relabelled, f"请填写{relabelled}。"
        yield error(f"{label}为空：{hint}", field=field)
    if "long_term_goal" in omitted:
        return
    if (filing.duration_years or 0) > 1 and not filing.long_term_goal.strip():
        yield error(
            f"实施期限为{filing.duration_years}年，长期目标为空：跨年度项目须填写整个实施期限内要达到的目标。",
            field="long_term_goal",
        )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _code(filing: Filing) -> Iterator[Note]:
    code, shape = filing.code.strip(), filing.template.code_shape
    if not code:
        yield error(f"项目编码为空：请填写项目编码（{shape}）。", field="code")
        return
    pattern = _code_pattern(filing.template.code_pattern)
    if pattern is not None and not pattern.fullmatch(code):
        yield error(f"项目编码“{code}”不符合“{shape}”的格式（现为{len(code)}位）：请核对后重新填写。", field="code")
        return
    area = AREA_CODES.get(filing.district)
    if area and not code.startswith(area):
        yield error(
            f"项目编码以“{code[:6]}”开头，与{filing.district}的区划代码{area}不符：请核对项目编码或申请单位。",
            field="code",
        )
    # Every layout known so far puts the year of the first budget in the 7th and 8th characters; a
    # template whose codes do not is left alone.
    year_digits = code[6:8]
    if not (year_digits.isascii() and year_digits.isdigit()):
        return
    first_year = 2000 + int(year_digits)
    if filing.fiscal_year and first_year > filing.fiscal_year:
        yield error(
            f"项目编码第7–8位表示项目首次安排预算的年度（{first_year}年），晚于预算年度{filing.fiscal_year}年："
            "请核对项目编码或预算年度。",
            field="code",
        )


@cache
def _code_pattern(pattern: str) -> re.Pattern[str] | None:
    """The template's code pattern; None (no shape check) when an administrator saved one that is no
    regular expression, so that a typo in the admin does not stop every check."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def amounts_and_duration(filing: Filing) -> Iterator[Note]:
    """Rule 3: 本年度项目金额 within 项目总金额（中期规划）; 实施期限 at least one year."""
    total, current = filing.total_amount, filing.current_amount
    if total is not None and current is not None and current > total:
        yield error(
            f"本年度项目金额{filing.money(current)}高于项目总金额（中期规划）{filing.money(total)}："
            "本年度金额是总金额的一部分，请核对两个金额。",
            field="current_amount",
        )
    if current is not None and current == 0:
        yield warning(
            "本年度项目金额为0：本年度没有安排预算的项目无需申报绩效目标；如已安排预算，请填写金额。",
            field="current_amount",
        )
    if filing.duration_years is not None and filing.duration_years < 1:
        yield error(f"实施期限为{filing.duration_years}年：实施期限至少为1年。", field="duration_years")


def goals_copied(filing: Filing) -> Iterator[Note]:
    """Rule 14: a multi-year project whose 长期目标 is its 年度目标 pasted again."""
    if (filing.duration_years or 0) <= 1:
        return
    annual, long_term = compact(filing.annual_goal), compact(filing.long_term_goal)
    if annual and annual == long_term:
        yield warning(
            f"长期目标与年度目标内容相同：实施期限为{filing.duration_years}年的项目，长期目标应写明整个实施期限"
            "结束时要达到的目标，年度目标写本年度的任务。",
            field="long_term_goal",
        )
