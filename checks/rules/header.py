"""Rules on the header of the form: 2 (complete), 3 (amounts and 实施期限), 14 (goals pasted)."""

import re
from collections.abc import Iterator

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
_CODE = re.compile(r"\d{21}")


def header_complete(filing: Filing) -> Iterator[Note]:
    """Rule 2: every header field the form requires is filled, and the code has the right shape."""
    yield from _code(filing)
    required_texts = {
        "name": (filing.name, "项目名称为空：请填写项目名称。"),
        "department": (filing.department, "申请单位为空：请填写申请单位的全称。"),
        "project_type": (filing.project_type, "项目类型为空：请按代码和名称填写，如“15 其他经费”。"),
        "annual_goal": (filing.annual_goal, "年度目标为空：请写明本年度通过项目要完成的任务和达到的效果。"),
    }
    for field, (text, message) in required_texts.items():
        if not text.strip():
            yield error(message, field=field)
    if filing.duration_years is None:
        yield error("实施期限为空：请填写项目实施的年数，如“3”。", field="duration_years")
    if filing.total_amount is None:
        yield error("项目总金额（中期规划）为空：请填写项目实施期限内的总金额。", field="total_amount")
    if filing.current_amount is None:
        yield error("本年度项目金额为空：请填写本预算年度安排的金额。", field="current_amount")
    if (filing.duration_years or 0) > 1 and not filing.long_term_goal.strip():
        yield error(
            f"实施期限为{filing.duration_years}年，长期目标为空：跨年度项目须填写整个实施期限内要达到的目标。",
            field="long_term_goal",
        )


def _code(filing: Filing) -> Iterator[Note]:
    code = filing.code.strip()
    if not code:
        yield error("项目编码为空：请填写21位数字的项目编码。", field="code")
        return
    if not _CODE.fullmatch(code):
        yield error(f"项目编码“{code}”不是21位数字（现为{len(code)}位）：请核对后重新填写。", field="code")
        return
    area = AREA_CODES.get(filing.district)
    if area and not code.startswith(area):
        yield error(
            f"项目编码以“{code[:6]}”开头，与{filing.district}的区划代码{area}不符：请核对项目编码或申请单位。",
            field="code",
        )
    first_year = 2000 + int(code[6:8])
    if filing.fiscal_year and first_year > filing.fiscal_year:
        yield error(
            f"项目编码第7–8位表示项目首次安排预算的年度（{first_year}年），晚于预算年度{filing.fiscal_year}年："
            "请核对项目编码或预算年度。",
            field="code",
        )


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
