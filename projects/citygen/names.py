"""The words a generated city is made of: its districts, its bureaus and the units under them."""

from __future__ import annotations

from checks.rules.header import AREA_CODES

# The ten districts the checks know an area code for (规则 2), in the order of their codes.
DISTRICTS: list[tuple[str, str]] = sorted(AREA_CODES.items(), key=lambda item: item[1])

BUREAUS = [
    "政务服务数据管理局",
    "教育局",
    "卫生健康局",
    "民政局",
    "文化广电旅游体育局",
    "住房和建设局",
    "交通运输局",
    "水务局",
    "城市管理和综合执法局",
    "司法局",
    "人力资源局",
    "科技创新局",
    "工业和信息化局",
    "发展和改革局",
    "财政局",
    "应急管理局",
    "市场监督管理局",
    "退役军人事务局",
    "医疗保障局",
    "生态环境局",
    "规划和自然资源局",
    "统计局",
    "审计局",
    "公共资源交易中心",
]

SUBORDINATES = [
    "服务中心",
    "信息中心",
    "综合保障中心",
    "事务中心",
    "技术中心",
    "档案馆",
    "培训中心",
    "执法大队",
    "监测站",
    "管理所",
]

RETURN_REASONS = [
    "成本指标与本年度金额不一致，请核对测算依据。",
    "满意度指标请写明目标值（如≥90%）。",
    "时效指标超出预算年度，请修改完成时限。",
    "数量指标不够具体，请补充可量化的目标。",
    "年度目标与长期目标重复，请分别填写。",
]

APPROVAL_COMMENTS = ["同意。", "审核通过。", "", "指标设置合理，同意申报。"]


def ordinal(number: int) -> str:
    """Chinese numerals for the variants of a name: 二, 三, … (二期项目)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
