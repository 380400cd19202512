"""Importing workbooks in the official template: edits a person makes, scope, and bad input."""

import io
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook

from indicators.models import Indicator
from projects.models import Department, Filing, Status
from projects.services.excel import blank_template_workbook, filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from tests.helpers.workbooks import edit_workbook, insert_rows_like_excel, make_filer, row_of, value_cell

pytestmark = pytest.mark.django_db

BAOAN_CODE = "440306210601500000540"  # 1 数量 row, 经济效益 不适用


def export(*codes: str) -> bytes:
    return filings_to_workbook(filings=Filing.objects.filter(code__in=codes).order_by("code"))


def indicator_rows(project: Filing) -> list[tuple]:
    return [
        (i.category.parent.name, i.category.name, i.name, i.value, i.explanation, i.not_applicable)
        for i in project.indicators.select_related("category__parent")
    ]


def problems_of(data: bytes, user, **kwargs) -> str:
    with pytest.raises(WorkbookImportError) as raised:
        workbook_import(data=data, file_name="申报表.xlsx", user=user, **kwargs)
    return "\n".join(raised.value.problems)


@pytest.fixture
def project(samples) -> Filing:
    return Filing.objects.select_related("department", "project_header").get(kind="project", code=BAOAN_CODE)


@pytest.fixture
def filer(project):
    return make_filer(project.department)


def test_a_workbook_edited_as_a_person_would_imports_every_edit_and_nothing_else(project, filer):
    before_rows = indicator_rows(project)
    before_amount = project.project_header.total_amount

    def edit(workbook):
        sheet = workbook[BAOAN_CODE]
        quantity = row_of(sheet, "B", "*数量")
        insert_rows_like_excel(sheet, quantity + 1, 2)  # two rows under 数量, 二级 cells left blank
        for offset, (name, value, explanation) in enumerate(
            [("窗口咨询量", "≥5000人次", "考察窗口咨询服务量"), ("邮寄件数", "≥3万件", "考察邮寄服务量")], start=1
        ):
            for column, text in zip("CDE", (name, value, explanation), strict=True):
                sheet[f"{column}{quantity + offset}"] = text
        economic = row_of(sheet, "B", "经济效益")  # a 不适用 row filled in
        for column, text in zip("CDE", ("带动企业开办数量", "≥3000家", "考察本项目带动的企业开办数量"), strict=True):
            sheet[f"{column}{economic}"] = text
        value_cell(sheet, "项目名称").value = "新开办企业刻制公章补贴"  # a header value changed

    edited = edit_workbook(export(BAOAN_CODE), edit)
    preview = workbook_import(data=edited, file_name="宝安.xlsx", user=filer, dry_run=True)

    change = preview.changes[0]
    assert [(f.label, f.before, f.after) for f in change.fields] == [
        ("项目名称", "新开办企业刻制公章补贴经费", "新开办企业刻制公章补贴")
    ]
    assert sorted(row.kind_label for row in change.rows) == ["修改", "新增", "新增"]
    assert Filing.objects.get(pk=project.pk).name == "新开办企业刻制公章补贴经费"  # the preview wrote nothing

    workbook_import(data=edited, file_name="宝安.xlsx", user=filer)

    project.refresh_from_db()
    assert project.name == "新开办企业刻制公章补贴"
    project.project_header.refresh_from_db()
    assert project.project_header.total_amount == before_amount
    expected = list(before_rows)
    expected[1:1] = [
        ("产出", "数量", "窗口咨询量", "≥5000人次", "考察窗口咨询服务量", False),
        ("产出", "数量", "邮寄件数", "≥3万件", "考察邮寄服务量", False),
    ]
    economic = next(i for i, row in enumerate(expected) if row[1] == "经济效益")
    expected[economic] = ("效益", "经济效益", "带动企业开办数量", "≥3000家", "考察本项目带动的企业开办数量", False)
    assert indicator_rows(project) == expected
    filled = project.indicators.get(name="带动企业开办数量")
    assert (filled.comparator, filled.number, filled.unit) == ("≥", 3000, "家")


def test_a_sheet_of_a_department_the_filer_does_not_file_for_is_refused_naming_the_cell(samples):
    futian = Filing.objects.filter(kind="project", department__name__contains="福田").first()
    assert futian is not None
    baoan_filer = make_filer(Filing.objects.get(code=BAOAN_CODE).department)
    before = Filing.objects.get(pk=futian.pk).updated_at

    message = problems_of(export(BAOAN_CODE, futian.code), baoan_filer)

    assert f"工作表「{futian.code}」单元格 B4" in message
    assert "不是「深圳市福田区" in message and "填报人" in message
    assert BAOAN_CODE not in message
    assert Filing.objects.get(pk=futian.pk).updated_at == before


def test_a_filer_cannot_overwrite_another_departments_project_by_reusing_its_code(samples, project, filer):
    futian = Filing.objects.filter(kind="project", department__name__contains="福田").first()
    assert futian is not None

    def reuse_code(workbook):
        sheet = workbook[BAOAN_CODE]
        value_cell(sheet, "项目编码").value = futian.code
        value_cell(sheet, "预算年度").value = futian.fiscal_year

    workbook = edit_workbook(export(BAOAN_CODE), reuse_code)
    preview = workbook_import(data=workbook, file_name="申报表.xlsx", user=filer, dry_run=True)
    message = problems_of(workbook, filer)

    # To the filer that project does not exist: a new one is previewed, and storing it is refused as
    # the filing page refuses a taken code, without naming its unit or its state.
    assert [change.created for change in preview.changes] == [True]
    assert f"已有项目编码为 {futian.code} 的项目" in message
    assert "福田" not in message and "其他单位" not in message and "草稿" not in message
    stored = Filing.objects.get(pk=futian.pk)
    assert (stored.department, stored.version, stored.name) == (futian.department, futian.version, futian.name)


def test_a_submitted_project_is_not_overwritten(project, filer):
    Filing.objects.filter(pk=project.pk).update(status=Status.SUBMITTED)

    message = problems_of(export(BAOAN_CODE), filer)

    assert "已送审" in message and BAOAN_CODE in message


def test_a_top_unit_that_is_not_the_applicants_is_refused(project, filer):
    def move(workbook):
        value_cell(workbook[BAOAN_CODE], "一级预算单位").value = "深圳市福田区政务服务数据管理局（本级）"

    message = problems_of(edit_workbook(export(BAOAN_CODE), move), filer)

    assert "单元格 E4" in message and "一级预算单位" in message


def test_one_bad_sheet_stops_the_whole_workbook(samples, project, filer):
    other = Filing.objects.filter(kind="project", department=project.department).exclude(pk=project.pk).first()
    assert other is not None
    names = {p.pk: p.name for p in (project, other)}

    def edit(workbook):
        value_cell(workbook[BAOAN_CODE], "项目名称").value = "改过的名称"
        value_cell(workbook[other.code], "本年度项目金额").value = "十万"

    message = problems_of(edit_workbook(export(BAOAN_CODE, other.code), edit), filer)

    assert f"工作表「{other.code}」单元格 E7：本年度项目金额「十万」不是数字" in message
    assert {p.pk: p.name for p in Filing.objects.filter(pk__in=names)} == names


def test_a_file_that_is_not_a_workbook_is_refused(admin_user):
    assert "不是 Excel 工作簿" in problems_of("项目编码,项目名称\n".encode(), admin_user)


def test_an_old_xls_file_is_refused_with_advice(admin_user):
    message = problems_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, admin_user)
    assert ".xls" in message and "另存为 .xlsx" in message


def test_a_workbook_in_an_unknown_layout_is_refused(admin_user):
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["单位", "项目", "金额"])
    sheet.append(["宝安区", "公章补贴", 100])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert "不是申报表模板的格式" in problems_of(buffer.getvalue(), admin_user)


def test_a_sheet_missing_a_required_field_names_the_sheet_and_field(project, admin_user):
    def drop_applicant(workbook):
        sheet = workbook[BAOAN_CODE]
        for column in "AB":
            sheet[f"{column}4"].value = None

    message = problems_of(edit_workbook(export(BAOAN_CODE), drop_applicant), admin_user)

    assert f"工作表「{BAOAN_CODE}」：缺少必填栏目「申请单位」" in message


def test_an_amount_that_is_not_a_number_names_its_cell(project, admin_user):
    def edit(workbook):
        value_cell(workbook[BAOAN_CODE], "项目总金额").value = "约五千万"

    message = problems_of(edit_workbook(export(BAOAN_CODE), edit), admin_user)

    assert f"工作表「{BAOAN_CODE}」单元格 B7：项目总金额「约五千万」不是数字" in message


@pytest.mark.parametrize(
    ("code", "expected"),
    [("44030621060150000054", "应为21位数字"), (440306210601500000540, "被保存成了数字")],
)
def test_a_project_code_of_the_wrong_shape_names_its_cell(project, admin_user, code, expected):
    def edit(workbook):
        value_cell(workbook[BAOAN_CODE], "项目编码").value = code

    message = problems_of(edit_workbook(export(BAOAN_CODE), edit), admin_user)

    assert f"工作表「{BAOAN_CODE}」单元格 B3" in message and expected in message


def test_a_formula_is_refused_not_evaluated(project, admin_user):
    def edit(workbook):
        value_cell(workbook[BAOAN_CODE], "本年度项目金额").value = "=B7/4"

    message = problems_of(edit_workbook(export(BAOAN_CODE), edit), admin_user)

    assert "单元格 E7：含有公式「=B7/4」" in message
    stored = Filing.objects.select_related("project_header").get(pk=project.pk)
    assert stored.project_header.current_amount == project.project_header.current_amount


def test_text_that_starts_with_an_equals_sign_is_kept_as_text(project, admin_user):
    indicator = project.indicators.first()
    Indicator.objects.filter(pk=indicator.pk).update(value="=100%")

    workbook_import(data=export(BAOAN_CODE), file_name="宝安.xlsx", user=admin_user)

    assert Indicator.objects.get(filing=project, position=indicator.position).value == "=100%"


def _zip(members: dict[str, int]) -> bytes:
    """A zip whose members are that many zero bytes: tiny compressed, large unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, size in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    member.write(chunk)
                member.write(b"\0" * (size % len(chunk)))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory(db, admin_user):
    bomb = _zip({"[Content_Types].xml": 10, "xl/workbook.xml": 10, "xl/worksheets/sheet1.xml": 120 * 1024 * 1024})
    assert len(bomb) < 1024 * 1024

    assert "解压后为 120.0 MB，超过上限" in problems_of(bomb, admin_user)


def test_a_part_that_compresses_suspiciously_well_is_refused(db, admin_user):
    member = _zip({"[Content_Types].xml": 10, "xl/workbook.xml": 10, "xl/sharedStrings.xml": 5 * 1024 * 1024})

    assert "xl/sharedStrings.xml」压缩比异常" in problems_of(member, admin_user)


def test_a_huge_sheet_is_refused_before_its_cells_are_read(db, admin_user):
    data = blank_template_workbook()

    def stretch(workbook):
        workbook.active["A50000"] = "x"

    message = problems_of(edit_workbook(data, stretch), admin_user)

    assert "有 50000 行，超过上限 2000 行" in message


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_workbook_larger_than_the_upload_limit_is_refused(project, admin_user):
    assert "超过上限" in problems_of(export(BAOAN_CODE), admin_user)


def test_the_blank_template_carries_the_departments_header_fields(empty_database):
    department = Department.objects.create(name="深圳市宝安区政务服务数据管理局（本级）")
    unit = Department.objects.create(name="深圳市宝安区政务服务中心", parent=department)

    def check(workbook):
        sheet = workbook.active
        assert value_cell(sheet, "申请单位").value == unit.name
        assert value_cell(sheet, "一级预算单位").value == department.name
        assert value_cell(sheet, "预算年度").value == 2025
        assert value_cell(sheet, "项目编码").value is None

    edit_workbook(blank_template_workbook(department=unit, year=2025), check)


def test_a_filled_in_blank_template_creates_the_project(empty_database):
    department = Department.objects.create(name="深圳市宝安区政务服务数据管理局（本级）")
    filer = make_filer(department)

    def fill(workbook):
        sheet = workbook.active
        value_cell(sheet, "项目编码").value = "440306251271500000001"
        value_cell(sheet, "项目名称").value = "政务服务大厅运营"
        value_cell(sheet, "本年度项目金额").value = 1234567.89
        value_cell(sheet, "项目总金额").value = "3,703,703.67"
        value_cell(sheet, "实施期限").value = 3
        value_cell(sheet, "是否新增项目").value = "是"
        quantity = row_of(sheet, "B", "*数量")
        for column, text in zip("CDE", ("办件量", "≥10万件", "考察大厅办件量"), strict=True):
            sheet[f"{column}{quantity}"] = text
        satisfaction = row_of(sheet, "B", "*服务对象满意度")
        sheet[f"C{satisfaction}"], sheet[f"D{satisfaction}"] = "群众满意度", 0.95
        sheet[f"D{satisfaction}"].number_format = "0%"

    result = workbook_import(
        data=edit_workbook(blank_template_workbook(department=department, year=2025), fill),
        file_name="新项目.xlsx",
        user=filer,
    )

    assert [c.code for c in result.created] == ["440306251271500000001"]
    project = Filing.objects.select_related("project_header").get(code="440306251271500000001", fiscal_year=2025)
    header = project.project_header
    assert project.kind == "project"
    assert (project.department, header.top_unit) == (department, department)
    assert (header.duration_years, header.is_new) == (3, True)
    assert (str(header.current_amount), str(header.total_amount)) == ("1234567.89", "3703703.67")
    assert [(i.category.name, i.name, i.value) for i in project.indicators.select_related("category")] == [
        ("数量", "办件量", "≥10万件"),
        ("服务对象满意度", "群众满意度", "95%"),
    ]


def test_sheets_without_a_form_are_skipped_and_listed(project, admin_user):
    def add_notes(workbook):
        notes = workbook.create_sheet("填表说明")
        notes["A1"] = "灰色单元格无需填写"
        notes["A2"] = "=COUNTA(A1)"

    result = workbook_import(
        data=edit_workbook(export(BAOAN_CODE), add_notes), file_name="宝安.xlsx", user=admin_user, dry_run=True
    )

    assert result.skipped_sheets == ["填表说明"]
    assert [change.code for change in result.changes] == [BAOAN_CODE]
