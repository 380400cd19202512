"""A filing's workbook follows its layout both ways: exported with the header fields, columns and headings
of its layout (甘肃, 四川…), and read back in the layout the sheet itself shows, unchanged field by field.

The forms are the real published ones of ``samples/provinces`` (see ``../shared/provinces``),
imported as the text import stores them.
"""

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from indicators.models import FormTemplate, Indicator
from projects.models import Department, Filing, ProjectHeader
from projects.parsers.xlsx import parse_workbook
from projects.services.excel import blank_template_workbook, filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from projects.services.imports import import_filings, layouts, read_source
from tests.helpers.provinces import GANSU, GANSU_KEPT_FIELDS, HUNAN, SICHUAN, SICHUAN_HEADINGS
from tests.helpers.workbooks import edit_workbook, insert_rows_like_excel, row_of, value_cell

pytestmark = pytest.mark.django_db

GANSU_CODE = "620200230000000000001"
SICHUAN_CODE = "511124230000000000001"

FILING_FIELDS = ["kind", "fiscal_year", "code", "name", "department_id", "amount_unit", "status", "template_id"]
ROW_FIELDS = [
    "category_id",
    "name",
    "nature",
    "value",
    "measure",
    "weight",
    "direction",
    "explanation",
    "basis",
    "score",
    "remark",
    "not_applicable",
    "value_kind",
    "comparator",
    "number",
    "unit",
    "deadline",
]


def imported(path: Path) -> Filing:
    (filing,) = import_filings(sources=[read_source(path)], year=2023).created
    return Filing.objects.select_related("template", "department", "project_header").get(pk=filing.pk)


def export(filing: Filing) -> bytes:
    return filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk))


def stored(filing: Filing) -> dict[str, Any]:
    """Everything stored of the filing but where it came from, its version and its timestamps: its own
    columns, its layout's added fields and other labels, every column of its header, and its rows in
    the form's order with every column they keep (the split target, weight, direction…)."""
    own = Filing.objects.filter(pk=filing.pk).values(*FILING_FIELDS, "extra_fields").get()
    header = ProjectHeader.objects.filter(filing_id=filing.pk).values().get()
    rows = Indicator.objects.filter(filing_id=filing.pk).order_by(
        "category__parent__order", "category__order", "position"
    )
    return {
        "filing": own,
        "header": header,
        "rows": [tuple(getattr(row, name) for name in ROW_FIELDS) for row in rows],
        "units": sorted(Department.objects.values_list("name", "code", "parent__name")),
    }


def rows_of(filing: Filing) -> list[tuple]:
    """Each row as the form wrote it: categories, 三级指标, 指标性质, 指标值, 度量单位, 权重, 方向, 指标解释."""
    rows = filing.indicators.select_related("category__parent").order_by("position")
    return [
        (
            row.category.parent.name,
            row.category.name,
            row.name,
            row.nature,
            row.value,
            row.measure,
            row.weight,
            row.direction,
            row.explanation,
        )
        for row in rows
    ]


def cells(data: bytes) -> list[list[Any]]:
    """The non-empty cells of the workbook's one sheet, row by row."""
    (sheet,) = load_workbook(io.BytesIO(data)).worksheets
    return [[cell.value for cell in row if cell.value is not None] for row in sheet.iter_rows()]


def reimported(data: bytes, user) -> None:
    """Imports a workbook as the Excel upload page does: its preview, then its confirmation."""
    preview = workbook_import(data=data, file_name="申报表.xlsx", user=user, dry_run=True)
    workbook_import(data=data, file_name="申报表.xlsx", user=user, versions=preview.versions)


def problems_of(data: bytes, user) -> str:
    with pytest.raises(WorkbookImportError) as raised:
        workbook_import(data=data, file_name="申报表.xlsx", user=user)
    return "\n".join(raised.value.problems)


# --- the forms as the text import stores them -----------------------------------------------------


def test_the_gansu_form_is_stored_in_its_layout_with_the_fields_it_adds(empty_database):
    filing = imported(GANSU)

    assert (filing.template.code, filing.amount_unit) == ("gs-2023", "万元")
    header = filing.project_header
    assert (filing.code, filing.name, filing.department.name, header.top_unit.name) == (
        GANSU_CODE,
        "博物馆纪念馆市级免费开放补助资金",
        "嘉峪关城市博物馆",
        "嘉峪关市文化和旅游局",
    )
    assert (header.is_new, header.project_type) == (True, "专项工作经费")
    assert (header.total_amount, header.current_amount) == (Decimal("200000"), Decimal("200000"))
    assert (header.policy_basis, header.annual_goal) == (
        "甘财科[2022]78号",
        "进一步提高博物馆纪念馆运行效率和免费开放服务水平",
    )
    assert (header.duration_years, header.allocation, header.calculation_basis) == (None, "", "")
    assert filing.extra_fields == GANSU_KEPT_FIELDS
    assert rows_of(filing) == [
        ("产出", "数量", "免费开放天数", "", "=300天", "", None, "", ""),
        ("产出", "质量", "博物馆绩效考核指标完成率", "", "=100百分比", "", None, "", ""),
        ("产出", "时效", "各项工作完成及时率%", "", "=99百分比", "", None, "", ""),
        ("成本", "经济成本", "资金使用效率", "", "=100百分比", "", None, "", ""),
        ("成本", "社会成本", "对当地文物保护、文化传承影响", "", "长远", "", None, "", ""),
        ("成本", "生态环境成本", "提升博物馆绿化水平", "", "提升", "", None, "", ""),
        ("效益", "经济效益", "为当地提供就业岗位", "", "增加岗位", "", None, "", ""),
        ("效益", "社会效益", "免费开放接待观众人数", "", "=30000人次", "", None, "", ""),
        ("效益", "生态效益", "历史文化传承环保意识时限", "", "长远", "", None, "", ""),
        ("满意度", "服务对象满意度", "服务对象满意度%", "", "=99百分比", "", None, "", ""),
    ]


def test_the_sichuan_form_is_stored_in_its_layout_with_its_split_columns(empty_database):
    filing = imported(SICHUAN)

    assert (filing.template.code, filing.amount_unit) == ("sc-2023", "元")
    header = filing.project_header
    assert (filing.code, filing.name, filing.department.name, header.top_unit.name) == (
        SICHUAN_CODE,
        "村组干部报酬",
        "井研县马踏镇人民政府",
        "马踏镇部门",
    )
    assert (filing.department.code, header.top_unit.code) == ("820001", "820")
    assert (header.current_amount, header.total_amount, header.annual_goal) == (
        Decimal("3309840.00"),
        None,
        "按时发放村组干部报酬",
    )
    assert filing.extra_fields == {"部门预算数": "8,827,620.53"}
    ten, positive = Decimal(10), "正向指标"
    assert rows_of(filing) == [
        ("效益", "社会效益", "维护社会稳定", "≥", "95", "%", ten, positive, ""),
        ("产出", "时效", "维持时效", "≥", "1", "年", Decimal(20), positive, ""),
        ("产出", "质量", "按时发放", "≥", "1", "人/年", ten, positive, ""),
        ("效益", "经济效益", "促进村集体经济发展", "≥", "95", "%", ten, positive, ""),
        ("产出", "数量", "村组干部230人", "≥", "230", "个", ten, positive, ""),
        ("效益", "生态效益", "保护生态环境卫生", "≥", "95", "%", ten, positive, ""),
        ("效益", "可持续影响", "项目维持时效", "≥", "95", "%", ten, positive, ""),
        ("满意度", "服务对象满意度", "人民群众满意度", "≥", "95", "%", ten, positive, ""),
    ]


# --- export ----------------------------------------------------------------------------------------


def test_a_gansu_workbook_shows_the_header_of_its_layout(empty_database):
    data = export(imported(GANSU))

    rows = cells(data)
    assert rows[:2] == [["二级项目支出绩效目标申报表"], ["省级部门预算项目支出绩效目标表"]]
    flat = [value for row in rows for value in row]
    # Its own labels: 是否新增 printed as 项目类型, the type of work as 项目分类.
    assert ["项目分类：", "专项工作经费", "项目类型：", "新增项目"] in rows
    assert ["资金用途：", "业务类项目", "中央补助安排：", "0"] in rows
    assert ["省级财政安排：", "0", "其他资金：", "20万元"] in rows
    assert ["项目实施计划："] in rows and ["需要说明的其他问题："] in rows
    for omitted in ("实施期限：", "分配方式：", "测算依据：", "长期目标（跨度多年的项目需填）：", "是否新增项目："):
        assert omitted not in flat
    assert ["一级指标", "二级指标", "三级指标", "指标值"] in rows
    assert ["成本", "*经济成本", "资金使用效率", "=100百分比"] in rows
    (sheet,) = load_workbook(io.BytesIO(data)).worksheets
    target = sheet[f"E{row_of(sheet, 'C', '免费开放天数')}"]
    assert (target.value, target.data_type, target.number_format) == ("=300天", "s", "@")  # text, not a formula
    choices = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert '"新增项目,延续项目"' in choices


def test_a_sichuan_workbook_has_the_columns_of_its_layout_in_its_order(empty_database):
    data = export(imported(SICHUAN))

    rows = cells(data)
    assert SICHUAN_HEADINGS in rows
    # The amount left alone on its row takes the field the layout adds beside it.
    assert ["本年度项目金额（元）：", 3309840, "部门预算数：", "8,827,620.53"] in rows
    assert not any(str(value).startswith(("项目总金额", "政策依据", "项目类型")) for row in rows for value in row)
    (sheet,) = load_workbook(io.BytesIO(data)).worksheets
    row = row_of(sheet, "C", "按时发放")
    assert [sheet.cell(row, column).value for column in range(1, 9)] == [
        None,
        "质量",
        "按时发放",
        "≥",
        "1",
        "人/年",
        10,
        "正向指标",
    ]
    assert sheet.cell(row, 7).data_type == "n"  # the weight is a number
    assert sheet.cell(row, 5).data_type == "s"  # the value, split from its comparator and unit, is text


def test_header_labels_no_layout_knows_follow_the_layouts_fields(empty_database):
    filing = imported(HUNAN)
    assert filing.template.code == "sz-2020"

    rows = cells(export(filing))

    goal = rows.index(["年度目标：", "完成项目主体工程70%"])
    table = rows.index(["一级指标", "二级指标", "三级指标", "指标值", "指标解释"])
    others = rows[goal + 1 : table]
    assert others[0] == ["长期目标（跨度多年的项目需填）："]  # the layout's own fields first
    assert others[1:] == [
        [f"{label}：", text] if text else [f"{label}："] for label, text in filing.extra_fields.items()
    ]
    assert ["本年度项目金额（原文）：", "854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)"] in others


# --- round trips -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [GANSU, SICHUAN, HUNAN], ids=["gansu", "sichuan", "hunan"])
def test_a_filings_workbook_imports_back_unchanged_field_by_field(empty_database, admin_user, path):
    filing = imported(path)
    before = stored(filing)

    data = export(filing)
    preview = workbook_import(data=data, file_name="申报表.xlsx", user=admin_user, dry_run=True)
    result = workbook_import(data=data, file_name="申报表.xlsx", user=admin_user, versions=preview.versions)

    assert [change.unchanged for change in result.changes] == [True]
    assert stored(filing) == before
    assert cells(export(filing)) == cells(data)


def test_columns_in_another_order_are_read_by_their_headings(empty_database, admin_user):
    filing = imported(SICHUAN)
    before = stored(filing)
    order = ["指标方向性", "权重", "度量单位", "指标值", "指标性质", "三级指标"]

    def reorder(workbook):
        sheet = workbook.worksheets[0]
        heading = row_of(sheet, "A", "一级指标")
        last = row_of(sheet, "B", "其他满意度")
        headings = [sheet.cell(heading, column).value for column in range(3, 9)]
        for row in range(heading, last + 1):
            by_heading = dict(zip(headings, (sheet.cell(row, column).value for column in range(3, 9)), strict=True))
            for column, name in enumerate(order, start=3):
                sheet.cell(row, column).value = by_heading[name]

    data = edit_workbook(export(filing), reorder)
    assert [*SICHUAN_HEADINGS[:2], *order] in cells(data)

    reimported(data, admin_user)

    assert stored(filing) == before


def test_ascii_comparators_and_spelled_units_are_understood(empty_database, admin_user):
    filing = imported(SICHUAN)

    def respell(workbook):
        sheet = workbook.worksheets[0]
        row = row_of(sheet, "C", "维护社会稳定")
        sheet[f"D{row}"], sheet[f"F{row}"] = ">=", "百分比"
        row = row_of(sheet, "C", "按时发放")
        sheet[f"D{row}"] = "<="

    reimported(edit_workbook(export(filing), respell), admin_user)

    stable = filing.indicators.get(name="维护社会稳定")
    assert (stable.nature, stable.value, stable.measure) == (">=", "95", "百分比")  # kept as written
    assert (stable.comparator, stable.number, stable.unit) == ("≥", 95, "%")
    paid = filing.indicators.get(name="按时发放")
    assert (paid.nature, paid.measure, paid.comparator, paid.number, paid.unit) == ("<=", "人/年", "≤", 1, "人/年")


def test_a_header_label_no_layout_knows_is_kept(empty_database, admin_user):
    filing = imported(GANSU)

    def add_label(workbook):
        sheet = workbook.worksheets[0]
        row = row_of(sheet, "A", "一级指标")
        insert_rows_like_excel(sheet, row, 1)  # a row above the table, as a person adds one
        sheet[f"A{row}"], sheet[f"B{row}"] = "项目负责人及电话：", "张三 0937-1234567"

    reimported(edit_workbook(export(filing), add_label), admin_user)

    filing.refresh_from_db()
    assert filing.extra_fields == {**GANSU_KEPT_FIELDS, "项目负责人及电话": "张三 0937-1234567"}
    assert filing.template.code == "gs-2023"
    assert ["项目负责人及电话：", "张三 0937-1234567"] in cells(export(filing))


def test_an_amount_written_with_its_unit_or_a_remark_is_read(empty_database, admin_user):
    filing = imported(GANSU)

    def write_prose(workbook):
        sheet = workbook.worksheets[0]
        value_cell(sheet, "本年度项目金额").value = "25万元（其中省级财政安排10万元）"
        value_cell(sheet, "项目总金额").value = "30万元"

    reimported(edit_workbook(export(filing), write_prose), admin_user)

    filing.project_header.refresh_from_db()
    assert (filing.project_header.current_amount, filing.project_header.total_amount) == (250000, 300000)
    filing.refresh_from_db()
    assert filing.extra_fields["本年度项目金额（原文）"] == "25万元（其中省级财政安排10万元）"


# --- bad input: refused naming the cell, nothing written ------------------------------------------


def test_an_unknown_column_heading_is_refused_naming_its_cell(empty_database, admin_user):
    filing = imported(SICHUAN)
    before = stored(filing)

    def rename(workbook):
        sheet = workbook.worksheets[0]
        sheet[f"F{row_of(sheet, 'A', '一级指标')}"] = "考核方式"

    message = problems_of(edit_workbook(export(filing), rename), admin_user)

    heading = row_of(load_workbook(io.BytesIO(export(filing))).worksheets[0], "A", "一级指标")
    assert message == f"申报表.xlsx：工作表「{SICHUAN_CODE}」单元格 F{heading}：指标表的栏目「考核方式」无法识别"
    assert stored(filing) == before


def test_an_amount_in_prose_with_several_figures_is_refused_naming_its_cell(empty_database, admin_user):
    filing = imported(GANSU)
    before = stored(filing)
    where = {}

    def write_prose(workbook):
        cell = value_cell(workbook.worksheets[0], "本年度项目金额")
        cell.value, where["cell"] = "20万元或25万元", cell.coordinate

    message = problems_of(edit_workbook(export(filing), write_prose), admin_user)

    assert f"工作表「{GANSU_CODE}」单元格 {where['cell']}：本年度项目金额「20万元或25万元」不是一个金额" in message
    assert stored(filing) == before


def test_an_amount_in_another_unit_than_the_sheets_is_refused_naming_its_cell(empty_database, admin_user):
    filing = imported(GANSU)
    where = {}

    def write_yuan(workbook):
        cell = value_cell(workbook.worksheets[0], "本年度项目金额")
        cell.value, where["cell"] = "200000元", cell.coordinate

    message = problems_of(edit_workbook(export(filing), write_yuan), admin_user)

    assert f"单元格 {where['cell']}：本年度项目金额「200000元」的单位与申报表的金额单位（万元）不一致" in message


@pytest.mark.parametrize(("weight", "expected"), [("十", "不是数字"), (120, "应为 0 到 100 之间")])
def test_a_weight_that_is_not_a_share_of_the_points_is_refused_naming_its_cell(
    empty_database, admin_user, weight, expected
):
    filing = imported(SICHUAN)
    where = {}

    def write_weight(workbook):
        sheet = workbook.worksheets[0]
        cell = sheet[f"G{row_of(sheet, 'C', '按时发放')}"]
        cell.value, where["cell"] = weight, cell.coordinate

    message = problems_of(edit_workbook(export(filing), write_weight), admin_user)

    assert f"单元格 {where['cell']}：权重「{weight}」" in message and expected in message


def test_a_cell_under_no_heading_is_refused_rather_than_dropped(empty_database, admin_user):
    filing = imported(SICHUAN)
    where = {}

    def write_beside(workbook):
        sheet = workbook.worksheets[0]
        cell = sheet[f"I{row_of(sheet, 'C', '按时发放')}"]
        cell.value, where["cell"] = "按月发放", cell.coordinate

    message = problems_of(edit_workbook(export(filing), write_beside), admin_user)

    assert f"单元格 {where['cell']}：「按月发放」不在指标表的任何栏目下" in message


def test_a_blank_template_of_a_layout_filled_in_creates_a_filing_in_that_layout(empty_database, admin_user):
    unit = Department.objects.create(name="井研县马踏镇人民政府")
    template = FormTemplate.objects.get(code="sc-2023")

    def fill(workbook):
        sheet = workbook.active
        assert [sheet.cell(row_of(sheet, "A", "一级指标"), column).value for column in range(1, 9)] == (
            SICHUAN_HEADINGS
        )
        value_cell(sheet, "项目编码").value = SICHUAN_CODE
        value_cell(sheet, "项目名称").value = "村组干部报酬"
        value_cell(sheet, "本年度项目金额").value = 3309840
        value_cell(sheet, "部门预算数").value = 8827620.53
        quantity = row_of(sheet, "B", "*数量")
        for column, text in zip("CDEFGH", ("村组干部230人", "≥", 230, "个", 90, "正向指标"), strict=True):
            sheet[f"{column}{quantity}"] = text
        satisfaction = row_of(sheet, "B", "*服务对象满意度")
        for column, text in zip("CDEFG", ("人民群众满意度", "≥", 0.95, "", "10%"), strict=True):
            sheet[f"{column}{satisfaction}"] = text
        sheet[f"E{satisfaction}"].number_format = "0%"

    data = edit_workbook(blank_template_workbook(department=unit, year=2023, template=template), fill)
    (change,) = workbook_import(data=data, file_name="新项目.xlsx", user=admin_user).changes

    filing = Filing.objects.get(pk=change.filing_id)
    assert (filing.template.code, filing.extra_fields) == ("sc-2023", {"部门预算数": "8827620.53"})
    assert rows_of(filing) == [
        ("产出", "数量", "村组干部230人", "≥", "230", "个", Decimal(90), "正向指标", ""),
        ("满意度", "服务对象满意度", "人民群众满意度", "≥", "95%", "", Decimal(10), "", ""),
    ]
    assert [(row.comparator, row.number, row.unit) for row in filing.indicators.order_by("position")] == [
        ("≥", 230, "个"),
        ("≥", 95, "%"),
    ]


def test_a_category_misspelt_is_reported_in_the_layout_the_sheet_fits(empty_database, admin_user):
    filing = imported(GANSU)
    where = {}

    def misspell(workbook):
        sheet = workbook.worksheets[0]
        cell = sheet[f"B{row_of(sheet, 'B', '*数量')}"]
        cell.value, where["cell"] = "数量指票", cell.coordinate

    message = problems_of(edit_workbook(export(filing), misspell), admin_user)

    # Read as 甘肃's form, whose categories are all there but this one; not as Shenzhen's, which has no 成本.
    assert message == f"申报表.xlsx：工作表「{GANSU_CODE}」单元格 {where['cell']}：无法识别的二级指标「数量指票」"


def test_units_written_with_their_code_keep_it_as_the_text_parser_does(empty_database):
    filing = imported(SICHUAN)

    def with_codes(workbook):
        sheet = workbook.worksheets[0]
        value_cell(sheet, "申请单位").value = "820001-井研县马踏镇人民政府"
        value_cell(sheet, "一级预算单位").value = "820-马踏镇部门"

    (sheet,) = parse_workbook(edit_workbook(export(filing), with_codes), layouts=layouts()).sheets

    parsed = sheet.filing
    assert (parsed.template, parsed.department, parsed.values["top_unit"]) == (
        "sc-2023",
        "井研县马踏镇人民政府",
        "马踏镇部门",
    )
    assert parsed.unit_codes == {"井研县马踏镇人民政府": "820001", "马踏镇部门": "820"}
    assert parsed.extra_fields == {"部门预算数": "8,827,620.53"}
    assert parsed.indicators[0].extras == {"nature": "≥", "measure": "个", "weight": "10", "direction": "正向指标"}
