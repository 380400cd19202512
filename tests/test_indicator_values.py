from datetime import date
from decimal import Decimal

import pytest

from indicators.values import Kind, parse_value


@pytest.mark.parametrize(
    ("written", "comparator", "number", "unit"),
    [
        ("≥90%", "≥", Decimal("90"), "%"),
        ("≤1500万元", "≤", Decimal("1500"), "万元"),
        ("> 90%", ">", Decimal("90"), "%"),
        ("≧ 95 %", "≥", Decimal("95"), "%"),
        ("≦14万元", "≤", Decimal("14"), "万元"),
        (">=85%", "≥", Decimal("85"), "%"),
        ("<=3次", "≤", Decimal("3"), "次"),
        ("≤758.79平方米", "≤", Decimal("758.79"), "平方米"),
        ("≤758.79㎡", "≤", Decimal("758.79"), "㎡"),
        ("≧728.79m²", "≥", Decimal("728.79"), "m²"),
        ("1个", "", Decimal("1"), "个"),
        ("≥90", "≥", Decimal("90"), ""),
        ("＞９０％", ">", Decimal("90"), "%"),
        ("≥ 153个系统", "≥", Decimal("153"), "个系统"),
        ("不低于85%", "≥", Decimal("85"), "%"),
        ("不少于10个", "≥", Decimal("10"), "个"),
        ("90%以上", "≥", Decimal("90"), "%"),
        ("90%及以上", "≥", Decimal("90"), "%"),
        ("不超过50万元", "≤", Decimal("50"), "万元"),
        ("5个工作日以内", "≤", Decimal("5"), "个工作日"),
        ("控制在1,200万元以内", "≤", Decimal("1200"), "万元"),
        ("控制在100%", "≤", Decimal("100"), "%"),
        ("2小时之内", "≤", Decimal("2"), "小时"),
        ("24小时内", "≤", Decimal("24"), "小时"),
        ("0", "", Decimal("0"), ""),
    ],
)
def test_it_reads_quantitative_values(written, comparator, number, unit):
    parsed = parse_value(written)
    assert (parsed.kind, parsed.comparator, parsed.number, parsed.unit) == ("quantity", comparator, number, unit)


def test_not_above_wins_over_above_and_not_below_over_below():
    assert parse_value("不超过5次").comparator == "≤"
    assert parse_value("超过5次").comparator == ">"
    assert parse_value("不低于5次").comparator == "≥"
    assert parse_value("低于5次").comparator == "<"


@pytest.mark.parametrize(
    ("written", "direction", "number"),
    [
        ("同比上升1%", "increase", Decimal("1")),
        ("同比下降1%", "decrease", Decimal("1")),
        ("提升20%", "increase", Decimal("20")),
        ("较上年降低5%", "decrease", Decimal("5")),
    ],
)
def test_it_reads_relative_targets_with_their_direction(written, direction, number):
    parsed = parse_value(written)
    assert (parsed.kind, parsed.change, parsed.number, parsed.unit) == ("quantity", direction, number, "%")


def test_it_reads_a_quantity_per_period():
    parsed = parse_value("每月≥2次")
    assert (parsed.kind, parsed.comparator, parsed.number, parsed.unit) == ("quantity", "≥", Decimal("2"), "次/月")


@pytest.mark.parametrize(
    ("written", "comparator", "deadline"),
    [
        ("2023年12月前", "≤", date(2023, 12, 31)),
        ("2024年12月31日以前", "≤", date(2024, 12, 31)),
        ("2024年12月31日之前", "≤", date(2024, 12, 31)),
        ("2024年2月底前", "≤", date(2024, 2, 29)),
        ("2023年底前", "≤", date(2023, 12, 31)),
        ("截至2023年6月30日", "≤", date(2023, 6, 30)),
        ("2024年10月", "", date(2024, 10, 31)),
        ("2024年8月完成所有测评并输出报告", "", date(2024, 8, 31)),
        ("2024-06-30前", "≤", date(2024, 6, 30)),
        ("2024.9", "", date(2024, 9, 30)),
        ("2024年9月1日后", "≥", date(2024, 9, 1)),
    ],
)
def test_it_reads_deadlines_as_the_last_day_they_allow(written, comparator, deadline):
    parsed = parse_value(written)
    assert (parsed.kind, parsed.comparator, parsed.deadline) == ("deadline", comparator, deadline)


def test_a_deadline_keeps_the_parts_it_was_written_with():
    parsed = parse_value("2024年12月31日以前")
    assert (parsed.year, parsed.month, parsed.day) == (2024, 12, 31)
    assert parse_value("2023年12月前").day is None


def test_a_month_without_a_year_is_a_deadline_of_the_budget_year():
    parsed = parse_value("12月底前")
    assert (parsed.kind, parsed.month, parsed.year, parsed.deadline) == ("deadline", 12, None, None)
    assert parse_value("12个月").kind == "quantity"


@pytest.mark.parametrize(("written", "period"), [("每月30日前", "每月"), ("每季度末", "每季度"), ("每年", "每年")])
def test_it_reads_recurring_deadlines(written, period):
    parsed = parse_value(written)
    assert (parsed.kind, parsed.recurring, parsed.deadline) == ("deadline", period, None)


def test_a_number_that_looks_like_a_year_stays_a_quantity():
    assert parse_value("≥2020.5万元").kind == "quantity"


@pytest.mark.parametrize("written", ["显著", "及时", "有效", "有效降低", "全区", "提升"])
def test_it_calls_words_without_figures_qualitative(written):
    assert parse_value(written).kind == Kind.QUALITATIVE


@pytest.mark.parametrize(
    "written", ["2天或16小时", "5次及以上≥5%", "空间分辨率优于0.1m", "90%-95%", "2023年2月30日前", "2023年13月前"]
)
def test_it_calls_compound_or_impossible_values_unreadable(written):
    assert parse_value(written).kind == Kind.UNREADABLE


def test_it_calls_blank_values_empty():
    assert parse_value("  ").kind == "empty"
    assert parse_value(None).kind == "empty"  # type: ignore[arg-type]  # a blank cell reads as None


def test_it_converts_money_to_yuan():
    assert parse_value("≤1500万元").in_yuan == Decimal("15000000")
    assert parse_value("≤1.2亿元").in_yuan == Decimal("120000000")
    assert parse_value("500元").in_yuan == Decimal("500")
    assert parse_value("≤100%").in_yuan is None


def test_it_recognises_an_excel_date_serial():
    assert parse_value("44561").excel_date == date(2021, 12, 31)
    assert parse_value("45657").excel_date == date(2024, 12, 31)
    assert parse_value("300").excel_date is None
    assert parse_value("44561件").excel_date is None


def test_it_gives_the_fields_an_indicator_stores():
    assert parse_value("2023年12月前").as_fields() == {
        "value_kind": "deadline",
        "comparator": "≤",
        "number": None,
        "unit": "",
        "deadline": date(2023, 12, 31),
    }
    assert parse_value("≥90%").as_fields()["number"] == Decimal("90")


def test_it_leaves_out_a_number_too_large_to_store():
    parsed = parse_value("100000000000000000元")
    assert parsed.kind == "quantity"
    assert parsed.as_fields()["number"] is None
