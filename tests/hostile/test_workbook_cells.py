"""Cells and parts openpyxl cannot read: each named by file, sheet and cell, never a 500, nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Filing
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from tests.helpers.workbooks import make_filer
from tests.hostile.xlsx_parts import with_cell, with_part

pytestmark = pytest.mark.django_db

CODE = "440306210601500000540"
WHERE = f"宝安.xlsx：工作表「{CODE}」单元格"


@pytest.fixture
def exported(samples) -> bytes:
    """The 二级 form as the application exports it; E7 holds its 本年度项目金额."""
    return filings_to_workbook(filings=Filing.objects.filter(code=CODE))


@pytest.fixture
def problems_of(no_write):
    """The problems a workbook import reports, having written nothing."""

    def problems(data: bytes, user) -> list[str]:
        with no_write(), pytest.raises(WorkbookImportError) as raised:
            workbook_import(data=data, file_name="宝安.xlsx", user=user)
        return raised.value.problems

    return problems


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (b'<c r="E7" t="n"><v>abc</v></c>', "E7：数值「abc」不是数字，文件可能已损坏"),
        (b'<c r="E7"><v>nan</v></c>', "E7：数值「nan」不是数字，文件可能已损坏"),
        (b'<c r="E7"><v>1e400</v></c>', "E7：数值「1e400」超出范围"),
        (b'<c r="E7" t="d"><v>2023-02-30</v></c>', "E7：日期「2023-02-30」无效，文件可能已损坏"),
        (b'<c r="E7" t="s"><v>12345</v></c>', "E7：引用的共享字符串「12345」不存在（共 0 个），文件可能已损坏"),
        (b'<c r="E7" t="b"><v>maybe</v></c>', "E7：逻辑值「maybe」无效，文件可能已损坏"),
        (b'<c r="ZZZZZZ7"><v>1</v></c>', "ZZZZZZ7：单元格引用无效，文件可能已损坏"),
        (b'<c r="E7" s="x1"><v>1</v></c>', "E7：单元格格式编号「x1」无效，文件可能已损坏"),
    ],
)
def test_a_cell_openpyxl_cannot_read_is_named_by_file_sheet_and_cell(exported, admin_user, problems_of, cell, problem):
    assert problems_of(with_cell(exported, "E7", cell), admin_user) == [f"{WHERE} {problem}"]


def test_a_style_that_does_not_exist_is_named_by_its_cell(exported, admin_user, problems_of):
    problems = problems_of(with_cell(exported, "E7", b'<c r="E7" s="9999"><v>1</v></c>'), admin_user)

    assert problems == [f"{WHERE} E7：单元格格式无效，文件可能已损坏"]


@pytest.mark.parametrize(
    ("part", "content", "problem"),
    [
        ("xl/workbook.xml", b"<workbook><sheets>", "宝安.xlsx：工作簿中的「xl/workbook.xml」无法解析，文件可能已损坏"),
        ("[Content_Types].xml", b"\x00\x01", "宝安.xlsx：工作簿中的「[Content_Types].xml」无法解析，文件可能已损坏"),
        (
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData><row>",
            f"宝安.xlsx：工作表「{CODE}」的 XML 无法解析（「xl/worksheets/sheet1.xml」第 1 行），文件可能已损坏",
        ),
    ],
)
def test_a_part_that_does_not_parse_is_named(exported, admin_user, problems_of, part, content, problem):
    (found,) = problems_of(with_part(exported, part, lambda _: content), admin_user)

    assert found.startswith(problem)


def test_a_broken_workbook_uploaded_on_the_excel_page_is_a_message_not_a_500(client, exported, no_write):
    filing = Filing.objects.get(code=CODE)
    client.force_login(make_filer(filing.department))
    broken = with_part(exported, "xl/workbook.xml", lambda _: b"<workbook")

    with no_write():
        response = client.post(
            reverse("projects:workbook_upload"),
            {"workbook": SimpleUploadedFile("宝安.xlsx", broken, content_type="application/octet-stream")},
        )

    assert response.status_code == 400
    assert "工作簿中的「xl/workbook.xml」无法解析，文件可能已损坏" in response.content.decode()


def test_many_bad_cells_are_listed_up_to_a_limit(exported, admin_user, problems_of):
    def spoil(xml: bytes) -> bytes:
        return xml.replace(b'<c r="E7" s="5" t="n"><v>', b'<c r="E7" s="5" t="n"><v>x').replace(
            b"<row ", b'<row><c r="A1" t="s"><v>5</v></c></row><row '
        )

    problems = problems_of(with_part(exported, "xl/worksheets/sheet1.xml", spoil), admin_user)

    assert len(problems) == 21  # 24 found (23 rows and E7): 20 listed and a count of the rest
    assert problems[-1] == "宝安.xlsx：……另有 4 处问题未列出"
