"""The workbook parser reads the official form by its labels, wherever the cells sit."""

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from indicators.taxonomy import SHENZHEN_2020, SHENZHEN_2020_OVERALL, SHENZHEN_2020_PROGRAM, Vocabulary
from projects.parsers.xlsx import WorkbookParseError, parse_workbook

VOCABULARIES = {
    "project": Vocabulary.from_spec(SHENZHEN_2020),
    "program": Vocabulary.from_spec(SHENZHEN_2020_PROGRAM),
    "overall": Vocabulary.from_spec(SHENZHEN_2020_OVERALL),
}
CODE = "440306251271500000001"


def workbook(rows: list[list[Any]], *, title: str = "项目一", percent: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if percent:
        sheet[percent].number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def header(**changes: list[Any] | None) -> list[list[Any]]:
    """A header laid out unlike the exported template: one column to the right, fields reordered."""
    rows: dict[str, list[Any] | None] = {
        "title": [None, "二级项目支出绩效目标申报表"],
        "name": [None, "项 目 名 称", "政务大厅运营", "项目编号：", CODE],
        "department": [None, "申请单位:", "深圳市宝安区政务服务数据管理局(本级)"],
        "top": [None, "一级预算单位", "深圳市宝安区政务服务数据管理局(本级)"],
        "amounts": [None, "本年度项目金额（万元）", 12.5, "项目总金额（中期规划，万元）", "37.5"],
        "goal": [None, "年度目标：", "第一行"],
        "goal_more": [None, None, "第二行"],
    }
    rows.update(changes)
    return [row for row in rows.values() if row is not None]


TABLE_HEAD = [None, "一级指标", "二级指标", "三级指标", "指标值", "指标解释"]


def test_fields_are_found_by_their_labels_wherever_they_sit():
    rows = header() + [
        TABLE_HEAD,
        [None, "产出指标", "*数量指标", "办件量", "≥10万件", "考察办件量"],
        [None, None, None, "咨询量", "≥1万次", "考察咨询量"],
        [None, None, "工作时效", "办结及时率", 1, "考察办结是否及时"],
        [None, "满意度", "服务对象满意度", "群众满意度", "≥90%", ""],
    ]

    (sheet,) = parse_workbook(workbook(rows, percent="E11"), vocabularies=VOCABULARIES).sheets

    filing = sheet.filing
    assert (filing.kind, filing.code, filing.name, filing.amount_unit) == ("project", CODE, "政务大厅运营", "万元")
    assert (filing.values["current_amount"], filing.values["total_amount"]) == (Decimal("12.5"), Decimal("37.5"))
    assert filing.values["annual_goal"] == "第一行\n第二行"
    assert filing.department == filing.values["top_unit"] == "深圳市宝安区政务服务数据管理局(本级)"
    assert sheet.cell_of("code") == "E2" and sheet.cell_of("name") == "C2" and sheet.fiscal_year is None
    assert [(i.level1, i.level2, i.name, i.value) for i in filing.indicators] == [
        ("产出", "数量", "办件量", "≥10万件"),
        ("产出", "数量", "咨询量", "≥1万次"),
        ("产出", "时效", "办结及时率", "100%"),
        ("满意度", "服务对象满意度", "群众满意度", "≥90%"),
    ]
    assert [i.line for i in filing.indicators] == [9, 10, 11, 12]


def test_an_unknown_category_names_its_cell():
    rows = header() + [TABLE_HEAD, [None, "产出", "数量质量", "办件量", "≥10万件", ""]]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabularies=VOCABULARIES)

    assert raised.value.problems == ["工作表「项目一」单元格 C9：无法识别的二级指标「数量质量」"]


def test_a_category_under_the_wrong_first_level_is_refused():
    rows = header() + [TABLE_HEAD, [None, "效益", "数量", "办件量", "≥10万件", ""]]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabularies=VOCABULARIES)

    assert "单元格 C9：二级指标「数量」不属于一级指标「效益」" in str(raised.value)


def test_a_row_without_a_category_above_it_is_refused():
    rows = header() + [TABLE_HEAD, [None, None, None, "办件量", "≥10万件", ""]]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabularies=VOCABULARIES)

    assert "单元格 B9：该行没有一级、二级指标" in str(raised.value)


def test_a_label_written_twice_is_refused():
    rows = header(goal_more=[None, "项目名称", "另一个名称"]) + [TABLE_HEAD]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabularies=VOCABULARIES)

    assert "单元格 B7：栏目「项目名称」重复出现（上一次在 B2）" in str(raised.value)


def test_amount_labels_in_different_units_are_refused():
    rows = header(amounts=[None, "本年度项目金额（元）", 125000, "项目总金额（中期规划，万元）", 37.5]) + [TABLE_HEAD]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabularies=VOCABULARIES)

    assert "单位不一致" in str(raised.value)


def test_an_amount_finer_than_a_fen_is_refused():
    rows = header(amounts=[None, "本年度项目金额（元）", "125000.005"]) + [TABLE_HEAD]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabularies=VOCABULARIES)

    assert "单元格 C5：以元为单位时本年度项目金额最多保留 2 位小数" in str(raised.value)


def test_a_sheet_without_the_indicator_table_is_refused():
    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(header()), vocabularies=VOCABULARIES)

    assert "工作表「项目一」：没有找到指标表" in str(raised.value)


# --- the 一级 and 部门整体 forms, told by their titles ------------------------------------------------

OVERALL_UNIT = "深圳市宝安区政务服务数据管理局（本级）"


def overall_rows(unit: str) -> list[list[Any]]:
    """A 部门整体 sheet laid out as the exported template lays it out, amounts in ``unit``."""
    return [
        ["部门（单位）整体支出绩效目标表"],
        ["预算年度：", 2025],
        ["部门（单位）名称：", OVERALL_UNIT, "主管部门：", "深圳市宝安区政务服务数据管理局"],
        ["年度总体目标：", "目标 1：保障正常运转。 目标 2：推进信息化建设。"],
        [f"年度主要任务（金额单位：{unit}）"],
        ["任务名称", "主要内容", "总额", "其中：财政拨款", "其中：其他资金"],
        ["基本支出", "人员工资、办公费", 892.7, 892.7, 0],
        ["信息化建设", "系统运维", 100, 80, 20],
        ["合计", None, 992.7, 972.7, 20],
        ["一级指标", "二级指标", "三级指标", "目标值"],
        ["产出", "数量", "服务党代表工作室数量", "1个"],
        ["满意度", "服务对象满意度", "补贴对象满意度", "≥90%"],
    ]


def test_an_overall_sheet_reads_its_tasks_their_total_and_its_indicators():
    (sheet,) = parse_workbook(workbook(overall_rows("元"), title="部门整体"), vocabularies=VOCABULARIES).sheets

    filing = sheet.filing
    assert (filing.kind, filing.line, sheet.fiscal_year, filing.amount_unit) == ("overall", 1, 2025, "元")
    assert (filing.department, filing.values["competent_unit"]) == (OVERALL_UNIT, "深圳市宝安区政务服务数据管理局")
    assert [(t.name, t.content, t.total_amount, t.fiscal_amount, t.other_amount, t.line) for t in filing.tasks] == [
        ("基本支出", "人员工资、办公费", Decimal("892.7"), Decimal("892.7"), Decimal("0"), 7),
        ("信息化建设", "系统运维", Decimal("100"), Decimal("80"), Decimal("20"), 8),
    ]
    totals = (filing.values["total_amount"], filing.values["fiscal_amount"], filing.values["other_amount"])
    assert totals == (Decimal("992.7"), Decimal("972.7"), Decimal("20"))
    assert [(i.level1, i.level2, i.name, i.value, i.line) for i in filing.indicators] == [
        ("产出", "数量", "服务党代表工作室数量", "1个", 11),
        ("满意度", "服务对象满意度", "补贴对象满意度", "≥90%", 12),
    ]
    assert sheet.cell_of("department") == "B3" and sheet.cell_of("goals") == "B4"


def test_the_goals_of_an_overall_sheet_end_where_its_task_table_begins():
    (sheet,) = parse_workbook(workbook(overall_rows("元"), title="部门整体"), vocabularies=VOCABULARIES).sheets

    # One goal to a line; the title of the task table below is no part of them.
    assert sheet.filing.values["goals"] == "目标 1：保障正常运转。\n目标 2：推进信息化建设。"


def test_an_overall_sheet_in_wan_yuan_says_so_above_its_tasks():
    # The exported template writes the unit of a 部门整体 form only in the title of its task table.
    (sheet,) = parse_workbook(workbook(overall_rows("万元"), title="部门整体"), vocabularies=VOCABULARIES).sheets

    assert sheet.filing.amount_unit == "万元"
    assert sheet.filing.values["total_amount"] == Decimal("992.7")


def test_a_program_sheet_is_told_by_its_title_and_reads_its_cost_build_up():
    rows: list[list[Any]] = [
        [None, "一级项目支出绩效目标申报表"],
        [None, "预算年度：", 2021],
        [None, "项目名称：", "新区对口支援专项资金", "项目单位：", "深圳市大鹏新区政务服务数据管理局"],
        [None, "资金总额（万元）：", 15, "其中：财政拨款：", 15, "其他资金：", 0],
        [None, "项目绩效目标：", "1、规范扶贫资金专项管理；\n2、帮助更多贫困人员脱贫。"],
        [None, "一级指标", "二级指标", "指标内容", "指标值"],
        [None, "投入", "测算明细", "每个单位承担 15 万元。"],
        [None, "产出", "工作时效", "专项资金拨付时间", "2021年11月前"],
    ]

    (sheet,) = parse_workbook(workbook(rows, title="一级项目"), vocabularies=VOCABULARIES).sheets

    filing = sheet.filing
    assert (filing.kind, filing.line, sheet.fiscal_year, filing.amount_unit) == ("program", 1, 2021, "万元")
    assert (filing.code, filing.name, filing.department) == (
        "",
        "新区对口支援专项资金",
        "深圳市大鹏新区政务服务数据管理局",
    )
    amounts = (filing.values["total_amount"], filing.values["fiscal_amount"], filing.values["other_amount"])
    assert amounts == (Decimal("15"), Decimal("15"), Decimal("0"))
    assert filing.values["goal"] == "1、规范扶贫资金专项管理；\n2、帮助更多贫困人员脱贫。"
    assert [(i.level1, i.level2, i.name, i.value) for i in filing.indicators] == [
        ("投入", "测算明细", "每个单位承担 15 万元。", ""),
        ("产出", "时效", "专项资金拨付时间", "2021年11月前"),
    ]
