"""The admin's list import takes a bounded number of rows, refused before any row is read into the
database, and refuses what the filing page and the workbook refuse (negative amounts)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from projects.models import Filing
from projects.resources import LIST_IMPORT_MAX_ROWS, RESOURCES, ProjectResource
from tests.helpers.filings import make_overall, make_program

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"


@pytest.fixture
def few_rows(settings):
    settings.LIST_IMPORT_MAX_ROWS = 3


def _import(client, name: str, data: bytes, file_format: str):
    upload = SimpleUploadedFile(name, data)
    return client.post(
        reverse("admin:projects_projectfiling_import"), {"import_file": upload, "format": file_format, "resource": "0"}
    )


def _rows(count: int) -> list[list[str]]:
    return [["预算年度", "项目编码", "项目名称"]] + [
        ["2031", f"44030625999990000{n:04d}", f"项目{n}"] for n in range(count)
    ]


def test_the_limit_is_a_units_list_with_room_to_spare():
    assert LIST_IMPORT_MAX_ROWS == 2000


def test_a_csv_list_longer_than_the_limit_is_refused_before_any_row_is_imported(admin_client, few_rows, monkeypatch):
    monkeypatch.setattr(ProjectResource, "import_data", lambda *args, **kwargs: pytest.fail("rows were imported"))
    data = "\n".join(",".join(row) for row in _rows(4)).encode("utf-8")

    response = _import(admin_client, "list.csv", data, CSV)

    assert "文件有 4 行数据，超过列表导入的上限 3 行；请按单位或年度分成几个文件分别导入" in response.content.decode()
    assert "confirm_form" not in response.context


def _workbook(rows: list[list[str]], *, declared: bool) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if declared:
        return buffer.getvalue()
    # Without its <dimension>, a sheet does not say how many rows it has: they are counted as read.
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
            target.writestr(item, content)
    return stripped.getvalue()


@pytest.mark.parametrize(("declared", "said"), [(True, "文件有 5 行数据，"), (False, "文件")])
def test_an_xlsx_list_longer_than_the_limit_is_refused_whether_or_not_it_declares_its_size(
    admin_client, few_rows, monkeypatch, declared, said
):
    monkeypatch.setattr(ProjectResource, "import_data", lambda *args, **kwargs: pytest.fail("rows were imported"))

    response = _import(admin_client, "list.xlsx", _workbook(_rows(5), declared=declared), XLSX)

    assert f"{said}超过列表导入的上限 3 行" in response.content.decode()


@pytest.mark.parametrize("kind", ["project", "program", "overall"])
@pytest.mark.parametrize("amount", ["-1.00", "-0"])
def test_a_negative_amount_is_refused_as_the_filing_page_refuses_it(admin_user, people, make_filing, kind, amount):
    filing = {"project": make_filing, "program": make_program, "overall": make_overall}[kind](people.unit_a)
    resource = RESOURCES[kind]
    exported = resource().export(queryset=Filing.objects.filter(pk=filing.pk))
    column = exported.headers.index(next(h for h in exported.headers if h.startswith(AMOUNT_COLUMNS[kind])))
    row = [amount if index == column else cell for index, cell in enumerate(exported[0])]

    result = resource().import_data(tablib.Dataset(row, headers=exported.headers), dry_run=False, user=admin_user)

    (problem,) = [message for messages in result.invalid_rows[0].error_dict.values() for message in messages]
    assert problem.endswith("不能为负数")
    assert Filing.objects.get(pk=filing.pk).value("total_amount") == filing.value("total_amount")


AMOUNT_COLUMNS = {"project": "本年度项目金额", "program": "资金总额", "overall": "合计：总额"}
