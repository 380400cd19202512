"""The workbook parser reads the official form by its labels, wherever the cells sit."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from indicators.taxonomy import SHENZHEN_2020, Vocabulary
from projects.parsers.xlsx import WorkbookParseError, parse_workbook

VOCABULARY = Vocabulary.from_spec(SHENZHEN_2020)
CODE = "440306251271500000001"


def workbook(rows: list[list], *, title: str = "项目一", percent: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if percent:
        sheet[percent].number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def header(**changes) -> list[list]:
    """A header laid out unlike the exported template: one column to the right, fields reordered."""
    rows = {
        "title": [None, "二级项目支出绩效目标申报表"],
        "name": [None, "项 目 名 称", "政务大厅运营", "项目编号：", CODE],
        "applicant": [None, "申请单位:", "深圳市宝安区政务服务数据管理局(本级)"],
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

    (sheet,) = parse_workbook(workbook(rows, percent="E11"), vocabulary=VOCABULARY).sheets

    filing = sheet.filing
    assert (filing.code, filing.name, filing.amount_unit) == (CODE, "政务大厅运营", "万元")
    assert (filing.current_amount, filing.total_amount) == (Decimal("12.5"), Decimal("37.5"))
    assert filing.annual_goal == "第一行\n第二行"
    assert sheet.cell_of("项目编码") == "E2" and sheet.fiscal_year is None
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
        parse_workbook(workbook(rows), vocabulary=VOCABULARY)

    assert raised.value.problems == ["工作表「项目一」单元格 C9：无法识别的二级指标「数量质量」"]


def test_a_category_under_the_wrong_first_level_is_refused():
    rows = header() + [TABLE_HEAD, [None, "效益", "数量", "办件量", "≥10万件", ""]]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabulary=VOCABULARY)

    assert "单元格 C9：二级指标「数量」不属于一级指标「效益」" in str(raised.value)


def test_a_row_without_a_category_above_it_is_refused():
    rows = header() + [TABLE_HEAD, [None, None, None, "办件量", "≥10万件", ""]]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabulary=VOCABULARY)

    assert "单元格 B9：该行没有一级、二级指标" in str(raised.value)


def test_a_label_written_twice_is_refused():
    rows = header(goal_more=[None, "项目名称", "另一个名称"]) + [TABLE_HEAD]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabulary=VOCABULARY)

    assert "单元格 B7：栏目「项目名称」重复出现（上一次在 B2）" in str(raised.value)


def test_amount_labels_in_different_units_are_refused():
    rows = header(amounts=[None, "本年度项目金额（元）", 125000, "项目总金额（中期规划，万元）", 37.5]) + [TABLE_HEAD]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabulary=VOCABULARY)

    assert "单位不一致" in str(raised.value)


def test_an_amount_finer_than_a_fen_is_refused():
    rows = header(amounts=[None, "本年度项目金额（元）", "125000.005"]) + [TABLE_HEAD]

    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(rows), vocabulary=VOCABULARY)

    assert "单元格 C5" in str(raised.value) and "最多 2 位小数" in str(raised.value)


def test_a_sheet_without_the_indicator_table_is_refused():
    with pytest.raises(WorkbookParseError) as raised:
        parse_workbook(workbook(header()), vocabulary=VOCABULARY)

    assert "工作表「项目一」：没有找到指标表" in str(raised.value)
