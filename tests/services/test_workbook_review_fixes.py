"""What review found of the workbook both ways, for every layout: a column a row fills beyond its layout is
exported and imported back; a label and its value in one cell are kept; amounts that name two units or
cannot be stored, a remark written in two places, and texts longer than their column are refused naming
the cell, never dropped or stored in part.

The forms are the province fixtures as the text import stores them (``test_layout_workbooks``).
"""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators.models import Indicator
from projects.services.excel_import import workbook_import
from tests.helpers.provinces import GANSU, GANSU_KEPT_FIELDS, HUNAN, SICHUAN
from tests.helpers.workbooks import edit_workbook, insert_rows_like_excel, label_cell, row_of, value_cell
from tests.services.test_layout_workbooks import (
    GANSU_CODE,
    SICHUAN_CODE,
    cells,
    export,
    imported,
    problems_of,
    reimported,
    stored,
)

pytestmark = pytest.mark.django_db

HUNAN_CODE = "430621220000000000001"


def _open(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


# --- columns a row fills beyond its layout --------------------------------------------------------


@pytest.mark.parametrize("path", [GANSU, SICHUAN, HUNAN], ids=["gansu", "sichuan", "hunan"])
def test_columns_a_row_fills_beyond_its_layout_are_exported_and_import_back_unchanged(empty_database, admin_user, path):
    filing = imported(path)
    first, second = filing.indicators.filter(not_applicable=False).order_by("pk")[:2]
    Indicator.objects.filter(pk=first.pk).update(remark="按月发放，年底结清", score="5")
    Indicator.objects.filter(pk=second.pk).update(score="10")
    before = stored(filing)

    data = export(filing)
    headings = next(row for row in cells(data) if row[0] == "一级指标")
    assert headings[-2:] == ["分值", "备注"]  # after the layout's own columns, in the catalogue's order
    sheet = _open(data)
    row = row_of(sheet, "C", first.name)
    assert [sheet.cell(row, column).value for column in (len(headings) - 1, len(headings))] == [
        "5",
        "按月发放，年底结清",
    ]
    preview = workbook_import(data=data, file_name="申报表.xlsx", user=admin_user, dry_run=True)
    result = workbook_import(data=data, file_name="申报表.xlsx", user=admin_user, versions=preview.versions)

    assert [change.unchanged for change in result.changes] == [True]
    assert stored(filing) == before
    assert cells(export(filing)) == cells(data)


def test_a_remark_edited_in_the_workbook_is_stored(empty_database, admin_user):
    filing = imported(SICHUAN)
    Indicator.objects.filter(filing=filing, name="按时发放").update(remark="按月")

    def edit(workbook):
        sheet = workbook.worksheets[0]
        heading = row_of(sheet, "A", "一级指标")
        assert sheet[f"I{heading}"].value == "备注"
        sheet[f"I{row_of(sheet, 'C', '按时发放')}"] = "按季度"
        sheet[f"I{row_of(sheet, 'C', '维持时效')}"] = "三年"

    reimported(edit_workbook(export(filing), edit), admin_user)

    remarks = dict(filing.indicators.exclude(remark="").values_list("name", "remark"))
    assert remarks == {"按时发放": "按季度", "维持时效": "三年"}


# --- a label and its value in one cell ------------------------------------------------------------


def test_labels_with_their_values_in_one_cell_are_kept_under_their_labels(empty_database, admin_user):
    filing = imported(GANSU)

    def add(workbook):
        sheet = workbook.worksheets[0]
        # Below a row of short fields, where a cell that is no label used to be dropped.
        below = label_cell(sheet, "申请单位").row + 1
        insert_rows_like_excel(sheet, below, 1)
        sheet[f"A{below}"] = "联系人：张三"
        # Right above the table, below a label of a free text: column A is where labels go.
        table = row_of(sheet, "A", "一级指标")
        insert_rows_like_excel(sheet, table, 1)
        sheet[f"A{table}"] = "联系电话（办公室）： 0937-1234567"

    reimported(edit_workbook(export(filing), add), admin_user)

    filing.refresh_from_db()
    assert filing.extra_fields == {**GANSU_KEPT_FIELDS, "联系人": "张三", "联系电话（办公室）": "0937-1234567"}
    assert filing.template.code == "gs-2023"
    rows = cells(export(filing))
    assert ["联系人：", "张三"] in rows and ["联系电话（办公室）：", "0937-1234567"] in rows


def test_a_known_label_with_its_value_in_one_cell_fills_its_field(empty_database, admin_user):
    filing = imported(SICHUAN)

    def edit(workbook):
        sheet = workbook.worksheets[0]
        label_cell(sheet, "年度目标").value = "年度目标：按时足额发放村组干部报酬"
        value_cell(sheet, "年度目标").value = None

    reimported(edit_workbook(export(filing), edit), admin_user)

    filing.project_header.refresh_from_db()
    assert filing.project_header.annual_goal == "按时足额发放村组干部报酬"
    filing.refresh_from_db()
    assert filing.extra_fields == {"部门预算数": "8,827,620.53"}


def test_a_label_and_value_in_the_value_columns_below_a_free_text_is_more_of_that_text(empty_database, admin_user):
    filing = imported(SICHUAN)

    def edit(workbook):
        sheet = workbook.worksheets[0]
        below = label_cell(sheet, "年度目标").row + 1
        insert_rows_like_excel(sheet, below, 1)
        sheet[f"B{below}"] = "说明：分两次发放"

    reimported(edit_workbook(export(filing), edit), admin_user)

    filing.project_header.refresh_from_db()
    assert filing.project_header.annual_goal == "按时发放村组干部报酬\n说明：分两次发放"
    filing.refresh_from_db()
    assert filing.extra_fields == {"部门预算数": "8,827,620.53"}


# --- amounts --------------------------------------------------------------------------------------


def _amounts_in_two_units(sheet):
    """项目总金额 20万元 and 本年度项目金额 3000元, neither label naming a unit: the second value's cell."""
    label_cell(sheet, "项目总金额").value = "项目总金额："
    label_cell(sheet, "本年度项目金额").value = "本年度项目金额："
    value_cell(sheet, "项目总金额").value = "20万元"
    cell = value_cell(sheet, "本年度项目金额")
    cell.value = "3000元"
    return cell.coordinate


def _labels_in_two_units(sheet):
    """项目总金额（万元） and 本年度项目金额（元）: the second label's cell."""
    label_cell(sheet, "项目总金额").value = "项目总金额（万元）："
    cell = label_cell(sheet, "本年度项目金额")
    cell.value = "本年度项目金额（元）："
    return cell.coordinate


@pytest.mark.parametrize(
    ("two_units", "problem"),
    [
        (_amounts_in_two_units, "项目总金额与本年度项目金额写的金额单位不一致（元和万元），请统一"),
        (_labels_in_two_units, "项目总金额与本年度项目金额的单位不一致（一个是元，一个是万元）"),
    ],
)
def test_amounts_or_labels_naming_different_units_are_refused_naming_the_cell(
    empty_database, admin_user, two_units, problem
):
    filing = imported(GANSU)
    before = stored(filing)
    where = {}

    def edit(workbook):
        where["cell"] = two_units(workbook.worksheets[0])

    message = problems_of(edit_workbook(export(filing), edit), admin_user)

    assert message == f"申报表.xlsx：工作表「{GANSU_CODE}」单元格 {where['cell']}：{problem}"
    assert stored(filing) == before


def test_amounts_naming_the_same_unit_with_none_in_their_labels_are_read_in_it(empty_database, admin_user):
    filing = imported(GANSU)

    def edit(workbook):
        sheet = workbook.worksheets[0]
        label_cell(sheet, "项目总金额").value = "项目总金额："
        label_cell(sheet, "本年度项目金额").value = "本年度项目金额："
        value_cell(sheet, "项目总金额").value = "30万元"
        value_cell(sheet, "本年度项目金额").value = "25万元"

    reimported(edit_workbook(export(filing), edit), admin_user)

    filing.refresh_from_db()
    filing.project_header.refresh_from_db()
    assert filing.amount_unit == "万元"
    assert (filing.project_header.total_amount, filing.project_header.current_amount) == (300000, 250000)


@pytest.mark.parametrize(
    ("path", "code", "written", "expected"),
    [
        (SICHUAN, SICHUAN_CODE, "99999999999999999999", "本年度项目金额「99999999999999999999」超出可保存的范围"),
        # A number that large is a float in the file, as Excel shows it.
        (SICHUAN, SICHUAN_CODE, 99999999999999999999, "本年度项目金额「1E+20」超出可保存的范围"),
        (SICHUAN, SICHUAN_CODE, "3309840.123", "以元为单位时本年度项目金额最多保留 2 位小数"),
        (GANSU, GANSU_CODE, "9999999999999万元", "本年度项目金额「9999999999999」超出可保存的范围"),
        (GANSU, GANSU_CODE, 9999999999999, "本年度项目金额「9999999999999」超出可保存的范围"),
    ],
    ids=["text", "number", "too-precise", "wan-text", "wan-number"],
)
def test_an_amount_that_cannot_be_stored_is_refused_naming_its_cell(
    empty_database, admin_user, path, code, written, expected
):
    filing = imported(path)
    before = stored(filing)
    where = {}

    def edit(workbook):
        cell = value_cell(workbook.worksheets[0], "本年度项目金额")
        cell.value, where["cell"] = written, cell.coordinate

    message = problems_of(edit_workbook(export(filing), edit), admin_user)

    assert message == f"申报表.xlsx：工作表「{code}」单元格 {where['cell']}：{expected}"
    assert stored(filing) == before


# --- the text kept beside an amount ---------------------------------------------------------------

ORIGINAL = "854万(高标准农田建设400万元,示范建设295万元,畅通工程159万元)"


def test_the_kept_text_of_an_amount_edited_on_its_own_row_is_stored(empty_database, admin_user):
    filing = imported(HUNAN)

    def edit(workbook):
        value_cell(workbook.worksheets[0], "本年度项目金额（原文）").value = "854万(高标准农田建设400万元,其余454万元)"

    reimported(edit_workbook(export(filing), edit), admin_user)

    filing.refresh_from_db()
    assert filing.extra_fields["本年度项目金额（原文）"] == "854万(高标准农田建设400万元,其余454万元)"


def test_an_amount_with_a_remark_and_another_kept_text_beside_it_is_refused_naming_both(empty_database, admin_user):
    filing = imported(HUNAN)
    before = stored(filing)
    where = {}

    def edit(workbook):
        sheet = workbook.worksheets[0]
        amount = value_cell(sheet, "本年度项目金额")
        amount.value, where["amount"] = (
            "900万(高标准农田建设446万元,示范建设295万元,畅通工程159万元)",
            amount.coordinate,
        )
        where["kept"] = value_cell(sheet, "本年度项目金额（原文）").coordinate  # left as exported: 854万(…)

    message = problems_of(edit_workbook(export(filing), edit), admin_user)

    assert message == (
        f"申报表.xlsx：工作表「{HUNAN_CODE}」单元格 {where['kept']}：「本年度项目金额（原文）」与单元格 "
        f"{where['amount']} 中金额所带的说明不同，无法确定保留哪一个：请删去其中一处的说明，或使两处相同"
    )
    assert stored(filing) == before


@pytest.mark.parametrize("kept", [ORIGINAL.replace("854", "900", 1), None], ids=["the-same", "emptied"])
def test_an_amount_with_a_remark_beside_the_same_kept_text_or_none_is_stored(empty_database, admin_user, kept):
    filing = imported(HUNAN)
    written = ORIGINAL.replace("854", "900", 1)

    def edit(workbook):
        sheet = workbook.worksheets[0]
        value_cell(sheet, "本年度项目金额").value = written
        value_cell(sheet, "本年度项目金额（原文）").value = kept

    reimported(edit_workbook(export(filing), edit), admin_user)

    filing.refresh_from_db()
    filing.project_header.refresh_from_db()
    assert filing.project_header.current_amount == Decimal("9000000")
    assert filing.extra_fields["本年度项目金额（原文）"] == written


# --- the length of every column -------------------------------------------------------------------

# Each column's heading, the longest text it holds (``Indicator``'s own limit) and its test id.
LIMITS = [
    ("指标性质", 20, "nature"),
    ("度量单位", 20, "measure"),
    ("指标方向性", 20, "direction"),
    ("指标值设定依据", 100, "basis"),
    ("分值", 20, "score"),
    ("备注", 200, "remark"),
    ("指标解释", 2000, "explanation"),
]


def _every_column(filing) -> bytes:
    """The filing's workbook with every column of the catalogue: one row fills those its layout lacks."""
    Indicator.objects.filter(filing=filing, name="按时发放").update(
        explanation="按月足额发放", basis="县级标准", score="5", remark="按月"
    )
    return export(filing)


def test_a_workbook_with_every_column_of_the_catalogue_imports_back_unchanged(empty_database, admin_user):
    filing = imported(SICHUAN)
    data = _every_column(filing)
    before = stored(filing)
    headings = next(row for row in cells(data) if row[0] == "一级指标")
    assert headings[8:] == ["指标解释", "指标值设定依据", "分值", "备注"]

    reimported(data, admin_user)

    assert stored(filing) == before


@pytest.mark.parametrize(
    ("heading", "limit"), [(heading, limit) for heading, limit, _ in LIMITS], ids=[i for *_, i in LIMITS]
)
def test_a_text_longer_than_its_column_holds_is_refused_naming_its_cell(empty_database, admin_user, heading, limit):
    filing = imported(SICHUAN)
    data = _every_column(filing)
    before = stored(filing)
    where = {}

    def edit(workbook):
        sheet = workbook.worksheets[0]
        headings = sheet[row_of(sheet, "A", "一级指标")]
        column = next(cell.column_letter for cell in headings if cell.value == heading)
        cell = sheet[f"{column}{row_of(sheet, 'C', '按时发放')}"]
        cell.value, where["cell"] = "长" * (limit + 1), cell.coordinate

    message = problems_of(edit_workbook(data, edit), admin_user)

    assert message == (
        f"申报表.xlsx：工作表「{SICHUAN_CODE}」单元格 {where['cell']}：{heading}超过 {limit} 个字（{limit + 1} 个字）"
    )
    assert stored(filing) == before


def test_texts_as_long_as_their_columns_hold_are_stored(empty_database, admin_user):
    filing = imported(SICHUAN)
    data = _every_column(filing)

    def edit(workbook):
        sheet = workbook.worksheets[0]
        headings = {cell.value: cell.column_letter for cell in sheet[row_of(sheet, "A", "一级指标")]}
        row = row_of(sheet, "C", "按时发放")
        for heading, limit, _ in LIMITS:
            sheet[f"{headings[heading]}{row}"] = "长" * limit

    reimported(edit_workbook(data, edit), admin_user)

    row = filing.indicators.get(name="按时发放")
    held = {name: limit for _, limit, name in LIMITS}
    assert {name: len(getattr(row, name)) for name in held} == held
