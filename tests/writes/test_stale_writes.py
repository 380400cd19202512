"""Every write path is stored against the version it read: an import confirmed after someone saved
the filing is refused and writes nothing, and every write moves the version, so that a page opened
before it is refused in turn."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Filing
from projects.resources import IndicatorResource, ProjectResource
from projects.services.excel import filings_to_workbook
from projects.services.filing import filing_update
from tests.helpers.filings import header_of, row_inputs
from tests.helpers.workbooks import edit_workbook, value_cell
from tests.writes.forms import TEXT_CODE, project_text
from tests.writes.racing import versions_in_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(people, make_filing):
    return make_filing(people.unit_a)


@pytest.fixture
def owner_client(client, people):
    """The 填报人 of unit A, who may import and use the admin's list imports."""
    owner = people.owner
    owner.is_staff = True
    owner.save()
    owner.user_permissions.add(*Permission.objects.filter(codename__in=["import_filings", "view_projectfiling"]))
    client.force_login(owner)
    return client


def _saved_on_the_filing_page(filing: Filing, user, name: str) -> None:
    opened = Filing.objects.get(pk=filing.pk)
    filing_update(
        filing=opened, user=user, header=header_of(opened, name=name), rows=row_inputs(opened), version=opened.version
    )


def _upload(content: str, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def _renamed_list(filing: Filing, name: str) -> str:
    rows = list(csv.DictReader(io.StringIO(ProjectResource().export(queryset=Filing.objects.filter(pk=filing.pk)).csv)))
    rows[0]["项目名称"] = name
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_a_projects_list_import_confirmed_after_a_save_on_the_filing_page_is_refused(owner_client, people, filing):
    preview = owner_client.post(
        reverse("admin:projects_projectfiling_import"),
        {"import_file": _upload(_renamed_list(filing, "导入的名称")), "format": "0", "resource": "0"},
    )
    _saved_on_the_filing_page(filing, people.owner, "页面上保存的名称")

    confirmed = owner_client.post(
        reverse("admin:projects_projectfiling_process_import"), preview.context["confirm_form"].initial, follow=True
    )

    page = confirmed.content.decode()
    assert "导入未完成" in page and "在预览之后已由王填报" in page and "现为第 2 版" in page
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.name, stored.version) == ("页面上保存的名称", 2)


def test_an_indicators_list_import_confirmed_after_a_save_on_the_filing_page_is_refused(owner_client, people, filing):
    owner_client.force_login(people.owner)
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(filing=filing, category__name="数量"))
    dataset[0] = tuple(
        "≥99个" if header == "指标值" else cell for header, cell in zip(dataset.headers, dataset[0], strict=True)
    )
    preview = owner_client.post(
        reverse("admin:indicators_indicator_import"),
        {"import_file": _upload(dataset.csv), "format": "0", "resource": "0"},
    )
    _saved_on_the_filing_page(filing, people.owner, "页面上保存的名称")

    confirmed = owner_client.post(
        reverse("admin:indicators_indicator_process_import"), preview.context["confirm_form"].initial, follow=True
    )

    assert "在预览之后已由王填报" in confirmed.content.decode()
    assert not Indicator.objects.filter(filing=filing, value="≥99个").exists()
    assert Filing.objects.get(pk=filing.pk).version == 2


def test_an_indicators_list_import_moves_the_version_once_and_records_it(people, filing):
    rows = Indicator.objects.filter(filing=filing, category__parent__name="产出").order_by("position")
    dataset = IndicatorResource().export(queryset=rows)
    for index in range(len(dataset)):
        dataset[index] = tuple(
            f"≥{index + 1}1个" if header == "指标值" else cell
            for header, cell in zip(dataset.headers, dataset[index], strict=True)
        )

    result = IndicatorResource().import_data(dataset, dry_run=False, user=people.owner)

    assert result.totals["update"] == len(dataset) > 1 and not result.has_validation_errors()
    stored = Filing.objects.get(pk=filing.pk)
    assert stored.version == 2 and versions_in_history(stored)[-1] == 2
    assert stored.history.latest("history_date").history_user == people.owner


def test_a_workbook_confirmed_after_a_save_on_the_filing_page_is_refused(owner_client, people, filing):
    def renamed(book):
        value_cell(book[filing.code], "项目名称").value = "工作簿中的名称"

    data = edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)), renamed)
    preview = owner_client.post(
        reverse("projects:workbook_upload"), {"workbook": SimpleUploadedFile("宝安.xlsx", data)}
    )
    assert preview.status_code == 200, preview.context.get("problems")
    _saved_on_the_filing_page(filing, people.owner, "页面上保存的名称")

    confirmed = owner_client.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]})

    problems = "\n".join(confirmed.context["problems"])
    assert "以下申报表已被他人修改" in problems and f"{filing.code} 测试项目" not in problems
    assert "页面上保存的名称 已由王填报" in problems
    assert Filing.objects.get(pk=filing.pk).name == "页面上保存的名称"


def test_a_text_import_confirmed_after_a_save_on_the_filing_page_is_refused(admin_client, people):
    text = project_text(unit=people.unit_a)
    first = admin_client.post(
        reverse("admin:projects_import_filings"), {"files": _upload(text, "宝安.txt"), "year": 2031}
    )
    admin_client.post(reverse("admin:projects_import_filings_confirm"), {"token": first.context["token"]})
    filing = Filing.objects.get(code=TEXT_CODE)
    preview = admin_client.post(
        reverse("admin:projects_import_filings"),
        {"files": _upload(project_text(unit=people.unit_a, name="文本中的名称"), "宝安.txt"), "year": 2031},
    )
    _saved_on_the_filing_page(filing, people.owner, "页面上保存的名称")

    confirmed = admin_client.post(
        reverse("admin:projects_import_filings_confirm"), {"token": preview.context["token"]}, follow=True
    )

    assert "以下申报表已被他人修改" in confirmed.content.decode()
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.name, stored.version) == ("页面上保存的名称", 2)
