"""After confirming an import there is a link to each filing it created or updated, however it was
confirmed: on the Excel page, by a background job (a large workbook), or in the admin's text import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from projects.models import Filing
from projects.services.excel import filings_to_workbook
from projects.views import excel
from tests.helpers.workbooks import edit_workbook, make_filer, value_cell

pytestmark = pytest.mark.django_db


def _filing_link(filing: Filing) -> str:
    return f'href="{reverse("projects:filing_detail", args=[filing.pk])}"'


def test_a_workbook_confirmed_by_a_background_job_links_the_filings_on_the_jobs_page(
    client, people, make_filing, monkeypatch
):
    filing = make_filing(people.unit_a, name="后台导入的项目")
    client.force_login(make_filer(people.unit_a))
    data = edit_workbook(
        filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)),
        lambda workbook: setattr(value_cell(workbook.worksheets[0], "项目名称"), "value", "改过的名称"),
    )
    preview = client.post(reverse("projects:workbook_upload"), {"workbook": SimpleUploadedFile("大.xlsx", data)})
    monkeypatch.setattr(excel, "LARGE_IMPORT_BYTES", 0)  # every workbook is "large": a background job

    confirmed = client.post(reverse("projects:workbook_confirm"), {"token": preview.context["token"]}, follow=True)

    job = Job.objects.get(kind="workbook_import")
    assert confirmed.redirect_chain[-1][0] == reverse("jobs:job", args=[job.pk])
    page = confirmed.content.decode()
    assert _filing_link(filing) in page and "改过的名称" in page


def test_the_admins_text_import_links_the_filings_it_created(admin_client, people):
    from tests.writes.forms import project_text

    upload = SimpleUploadedFile("宝安.txt", project_text(unit=people.unit_a).encode(), content_type="text/plain")
    preview = admin_client.post(reverse("admin:projects_import_filings"), {"files": upload, "year": 2031})

    confirmed = admin_client.post(
        reverse("admin:projects_import_filings_confirm"), {"token": preview.context["token"]}, follow=True
    )

    created = Filing.objects.get(code="440306259999900000001")
    page = confirmed.content.decode()
    assert _filing_link(created) in page and "新建 测试文本项目" in page
