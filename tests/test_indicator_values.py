from decimal import Decimal

import pytest

from indicators.values import parse_value


@pytest.mark.parametrize(
    ("written", "comparator", "number", "unit"),
    [
        ("≥90%", "≥", Decimal("90"), "%"),
        ("≤1500万元", "≤", Decimal("1500"), "万元"),
        ("> 90%", ">", Decimal("90"), "%"),
        ("≧ 95 %", "≥", Decimal("95"), "%"),
        ("≤758.79平方米", "≤", Decimal("758.79"), "平方米"),
        ("≤758.79㎡", "≤", Decimal("758.79"), "㎡"),
        ("1个", "", Decimal("1"), "个"),
        ("≥90", "≥", Decimal("90"), ""),
        ("＞９０％", ">", Decimal("90"), "%"),
        ("不低于85%", "≥", Decimal("85"), "%"),
        ("90%以上", "≥", Decimal("90"), "%"),
        ("控制在1,200万元以内", "≤", Decimal("1200"), "万元"),
    ],
)
def test_it_reads_quantitative_values(written, comparator, number, unit):
    parsed = parse_value(written)
    assert (parsed.kind, parsed.comparator, parsed.number, parsed.unit) == ("quantity", comparator, number, unit)


def test_it_reads_deadlines():
    parsed = parse_value("2024年12月31日以前")
    assert (parsed.kind, parsed.year, parsed.month, parsed.day) == ("deadline", 2024, 12, 31)
    assert parse_value("2023年12月前").month == 12


@pytest.mark.parametrize("written", ["显著", "及时", "有效", "2天或16小时"])
def test_it_calls_words_and_compound_values_qualitative(written):
    assert parse_value(written).kind == "qualitative"


def test_it_calls_blank_values_empty():
    assert parse_value("  ").kind == "empty"
