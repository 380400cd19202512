"""The Excel page: downloads within the user's scope, and upload → preview → confirm."""

import io
import tempfile
import time

import pytest
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import FormTemplate
from projects.models import Department, Filing
from projects.services.excel import filings_to_workbook
from projects.uploads import CACHE_ALIAS, PendingUploadStorage
from tests.helpers.workbooks import edit_workbook, make_filer, value_cell

pytestmark = pytest.mark.django_db

BAOAN_CODE = "440306210601500000540"
DAPENG = "深圳市大鹏新区政务服务数据管理局"


@pytest.fixture
def filing(samples):
    return Filing.objects.get(code=BAOAN_CODE)


@pytest.fixture
def filer_client(client, filing):
    client.force_login(make_filer(filing.department))
    return client


def _workbook_of(filing) -> bytes:
    return filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk))


def sheets_of(response) -> list[str]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content), read_only=True).sheetnames


def job_result(client, response):
    """A workbook of more filings than a request makes is a background job: its page, then its file."""
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    page = client.get(response.url)
    assert page.context["job"].status == "done"
    return client.get(reverse("jobs:download", args=[page.context["job"].pk]))


def upload(client, data: bytes, name: str = "宝安.xlsx", **extra):
    workbook = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("projects:workbook_upload"), {"workbook": workbook, **extra})


def test_a_filer_downloads_their_filing_as_a_workbook(filer_client, filing):
    response = filer_client.get(reverse("projects:filing_xlsx", args=[filing.pk]))

    assert response.status_code == 200
    assert sheets_of(response) == [BAOAN_CODE]
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]


def test_a_filer_cannot_download_another_departments_filing(filer_client, samples):
    futian = Filing.objects.filter(department__name__contains="福田").earliest("pk")

    response = filer_client.get(reverse("projects:filing_xlsx", args=[futian.pk]))

    assert response.status_code == 404


def test_the_department_workbook_has_one_sheet_per_filing_of_that_year(filer_client, filing):
    response = filer_client.get(
        reverse("projects:department_xlsx"), {"department": filing.department_id, "year": filing.fiscal_year}
    )
    response = job_result(filer_client, response)  # 22 filings: more than a request makes

    projects = Filing.objects.filter(kind="project", department=filing.department, fiscal_year=filing.fiscal_year)
    assert projects.count() == 21
    # The unit's 部门整体 form first, then its 二级 forms by code.
    assert sheets_of(response) == ["部门整体", *projects.order_by("code").values_list("code", flat=True)]


def test_a_units_workbook_holds_its_overall_form_then_its_program_forms(client, samples):
    dapeng = Department.objects.get(name=DAPENG)
    client.force_login(make_filer(dapeng))

    response = client.get(reverse("projects:department_xlsx"), {"department": dapeng.pk, "year": 2021})

    programs = Filing.objects.filter(kind="program", department=dapeng).order_by("name")
    assert programs.count() == 7
    assert sheets_of(response) == ["部门整体", *programs.values_list("name", flat=True)]


def test_a_top_level_units_workbook_holds_its_own_filings_then_those_of_the_units_under_it(client, samples):
    top = Department.objects.get(name="深圳市福田区政务服务数据管理局（本级）")
    client.force_login(make_filer(top))

    response = job_result(client, client.get(reverse("projects:department_xlsx"), {"department": top.pk, "year": 2022}))

    own = list(Filing.objects.filter(department=top).order_by("code").values_list("code", flat=True))
    under = Filing.objects.filter(department__parent=top).values_list("code", flat=True)
    sheets = sheets_of(response)
    assert sheets[: len(own)] == own
    assert sorted(sheets[len(own) :]) == sorted(under)
    assert len(own) == 11 and len(under) == 30


def test_the_department_workbook_is_refused_for_a_department_outside_the_users_scope(filer_client, samples):
    futian = Filing.objects.filter(department__name__contains="福田").earliest("pk")

    response = filer_client.get(
        reverse("projects:department_xlsx"), {"department": futian.department_id, "year": futian.fiscal_year}
    )

    assert response.status_code == 302
    assert response.url == reverse("projects:excel_home")


def test_a_year_without_filings_gives_no_workbook(filer_client, filing):
    response = filer_client.get(reverse("projects:department_xlsx"), {"department": filing.department_id, "year": 2030})

    assert response.status_code == 302 and response.url == reverse("projects:excel_home")


def test_the_blank_template_is_prefilled_with_the_chosen_department(filer_client, filing):
    response = filer_client.get(
        reverse("projects:blank_xlsx"), {"department": filing.department_id, "year": 2025, "kind": "project"}
    )

    def check(workbook):
        assert value_cell(workbook.active, "申请单位").value == filing.department.name

    assert sheets_of(response) == ["二级项目"]
    assert filing.department.name in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
    edit_workbook(response.content, check)


@pytest.mark.parametrize(
    "kind, sheet, unit_label",
    [
        ("project", "二级项目", "申请单位"),
        ("program", "一级项目", "项目单位"),
        ("overall", "部门整体", "部门（单位）名称"),
    ],
)
def test_the_blank_template_of_each_kind(filer_client, filing, kind, sheet, unit_label):
    response = filer_client.get(reverse("projects:blank_xlsx"), {"department": filing.department_id, "kind": kind})

    def check(workbook):
        assert value_cell(workbook.active, unit_label).value == filing.department.name

    assert sheets_of(response) == [sheet]
    edit_workbook(response.content, check)


def test_the_blank_template_without_a_department_is_left_blank(filer_client):
    response = filer_client.get(reverse("projects:blank_xlsx"), {"kind": "project"})

    def check(workbook):
        assert value_cell(workbook.active, "申请单位").value in (None, "")

    assert sheets_of(response) == ["二级项目"]
    edit_workbook(response.content, check)


def test_the_excel_page_offers_the_upload_only_to_users_who_may_import(client, filer_client, filing):
    assert "上传并预览" in filer_client.get(reverse("projects:excel_home")).content.decode()
    client.force_login(make_filer(filing.department, username="reader", can_import=False))
    assert "上传并预览" not in client.get(reverse("projects:excel_home")).content.decode()


def test_an_upload_without_the_import_permission_is_forbidden(client, filing):
    client.force_login(make_filer(filing.department, username="reader", can_import=False))

    response = upload(client, _workbook_of(filing))

    assert response.status_code == 403


def test_an_upload_is_previewed_and_only_written_after_confirmation(filer_client, filing):
    def rename(workbook):
        value_cell(workbook[BAOAN_CODE], "项目名称").value = "公章补贴"

    data = edit_workbook(_workbook_of(filing), rename)

    preview = upload(filer_client, data)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "更新 1 张" in page and "新开办企业刻制公章补贴经费" in page and "公章补贴" in page
    assert Filing.objects.get(pk=filing.pk).name == "新开办企业刻制公章补贴经费"

    confirmed = filer_client.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]})

    assert confirmed.status_code == 302
    assert Filing.objects.get(pk=filing.pk).name == "公章补贴"
    assert Filing.history.filter(id=filing.pk, history_user__username="filer").exists()
    again = filer_client.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]})
    assert again.status_code == 302 and Filing.objects.get(pk=filing.pk).name == "公章补贴"


def test_an_overall_filings_tasks_are_previewed_and_written_after_confirmation(client, samples):
    overall = Filing.objects.get(kind="overall", department__name=DAPENG)
    client.force_login(make_filer(overall.department))
    tasks = list(overall.tasks.order_by("position").values_list("name", "total_amount", "fiscal_amount"))
    goals, total = overall.overall_header.goals, overall.overall_header.total_amount

    def rename(workbook):
        sheet = workbook.active
        cell = next(cell for row in sheet.iter_rows() for cell in row if cell.value == tasks[0][0])
        cell.value = "改名后的任务"

    preview = upload(client, edit_workbook(_workbook_of(overall), rename), name="大鹏.xlsx")

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "更新 1 张" in page and "部门整体" in page and "改名后的任务" in page
    [change] = preview.context["preview"].changes
    # The workbook as exported, but for the one name: nothing else reads differently.
    assert (change.kind, change.created, change.fields, change.rows) == ("overall", False, [], [])
    assert [(task.kind, task.columns) for task in change.tasks] == [("changed", ["任务名称"])]

    assert client.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]}).status_code == 302
    stored = Filing.objects.get(pk=overall.pk)
    assert list(stored.tasks.order_by("position").values_list("name", "total_amount", "fiscal_amount")) == [
        ("改名后的任务", *tasks[0][1:]),
        *tasks[1:],
    ]
    assert (stored.amount_unit, stored.overall_header.goals, stored.overall_header.total_amount) == (
        overall.amount_unit,
        goals,
        total,
    )


def test_a_preview_cannot_be_confirmed_from_another_session(client, filer_client, filing):
    preview = upload(filer_client, _workbook_of(filing))
    intruder = make_filer(filing.department, username="intruder")
    client.force_login(intruder)

    response = client.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]})

    assert response.status_code == 302
    assert not Filing.history.filter(history_user=intruder).exists()


def test_a_bad_workbook_shows_every_problem_and_writes_nothing(filer_client, filing):
    def spoil(workbook):
        sheet = workbook[BAOAN_CODE]
        value_cell(sheet, "本年度项目金额").value = "十万"
        value_cell(sheet, "是否新增项目").value = "不确定"

    data = edit_workbook(_workbook_of(filing), spoil)

    response = upload(filer_client, data)

    assert response.status_code == 400
    page = response.content.decode()
    assert f"工作表「{BAOAN_CODE}」单元格 E7：本年度项目金额「十万」不是数字" in page
    assert f"工作表「{BAOAN_CODE}」单元格 B6：是否新增项目「不确定」应填“是”或“否”" in page
    assert "未写入任何数据" in page


def test_a_file_that_is_not_xlsx_is_refused_by_the_form(filer_client, filing):
    response = upload(filer_client, b"plain text", name="申报表.txt")

    assert response.status_code == 400
    assert "请上传 Excel 工作簿" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(filer_client, filing):
    response = upload(filer_client, b"x" * 5000)

    assert response.status_code == 400
    assert "文件大小超过上限" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100_000)
def test_an_upload_is_cut_off_while_streaming_once_it_passes_the_limit(filer_client, filing):
    response = upload(filer_client, b"x" * 3_000_000, name="巨大.xlsx")

    assert response.status_code == 400
    assert "文件大小超过上限" in response.content.decode()
    assert response.context["upload_form"].too_large  # the stream was stopped, not read to the end


def test_the_upload_still_requires_the_csrf_token(filing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_filer(filing.department))

    response = upload(client, _workbook_of(filing))

    assert response.status_code == 403


def test_the_excel_page_suggests_the_latest_year_the_user_has_filings_in(client, people, make_filing):
    make_filing(people.unit_a, year=2023)
    make_filing(people.unit_a, year=2021)
    client.force_login(people.owner)
    response = client.get(reverse("projects:excel_home"))
    assert response.context["department_form"].initial["year"] == 2023


def test_an_upload_awaiting_confirmation_is_kept_for_every_web_process_and_not_in_the_temp_folder(
    filer_client, filing, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    data = _workbook_of(filing)

    preview = upload(filer_client, data)

    assert list((tmp_path / "temp").iterdir()) == []
    assert caches[CACHE_ALIAS].get(PendingUploadStorage.CACHE_PREFIX + preview.context["token"]) == data


def test_an_upload_left_unconfirmed_expires_and_asks_for_the_workbook_again(filer_client, filing, monkeypatch):
    monkeypatch.setattr(PendingUploadStorage, "CACHE_LIFETIME", 0.05)
    preview = upload(filer_client, _workbook_of(filing))
    time.sleep(0.1)

    confirmed = filer_client.post(
        reverse("projects:workbook_confirm"), {"token": preview.context["token"]}, follow=True
    )

    assert "待确认的文件已过期" in confirmed.content.decode()
    assert not Filing.history.filter(id=filing.pk, history_user__username="filer").exists()


def test_an_upload_is_claimed_by_one_confirmation_only(filer_client, filing):
    preview = upload(filer_client, _workbook_of(filing))
    storage = PendingUploadStorage(name=preview.context["token"])

    assert storage.claim() is True
    assert storage.claim() is False
    assert PendingUploadStorage(name="unknown").claim() is False


def test_the_blank_template_comes_in_the_chosen_layout_or_the_units(filer_client, filing):
    sichuan = FormTemplate.objects.get(code="sc-2023")
    response = filer_client.get(reverse("projects:blank_xlsx"), {"kind": "project", "template": sichuan.pk})

    def headings(workbook):
        rows = [[cell.value for cell in row if cell.value is not None] for row in workbook.active.iter_rows()]
        assert ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"] in rows

    edit_workbook(response.content, headings)
    # A unit that files on 四川's layout gets it without choosing.
    Department.objects.filter(pk=filing.department_id).update(template=sichuan)
    response = filer_client.get(reverse("projects:blank_xlsx"), {"kind": "project", "department": filing.department_id})
    edit_workbook(response.content, headings)


def test_a_layout_of_another_kind_is_refused(filer_client):
    national = FormTemplate.objects.get(code="cn-2021")
    response = filer_client.get(reverse("projects:blank_xlsx"), {"kind": "overall", "template": national.pk})
    assert response.status_code == 302
    assert "不是所选申报表的表样" in [str(m) for m in get_messages(response.wsgi_request)][0]
