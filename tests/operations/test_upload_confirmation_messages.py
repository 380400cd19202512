"""What a confirmation that finds nothing to import says: that the upload expired, that it was
confirmed and the import did not finish (its request was killed, or is still running), or that it
was confirmed and the import is over. (A real killed confirmation: test_killed_processes.py.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Filing
from projects.services.excel import filings_to_workbook
from projects.uploads import PendingUploadStorage
from tests.helpers.workbooks import edit_workbook, make_filer, value_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(people, make_filing) -> Filing:
    return make_filing(people.unit_a, name="确认测试项目")


@pytest.fixture
def previewed(client, people, filing) -> str:
    """An upload previewed by a filer of the unit: its token."""

    def rename(workbook):
        value_cell(workbook.worksheets[0], "项目名称").value = "改过的名称"

    client.force_login(make_filer(people.unit_a))
    data = edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)), rename)
    workbook = SimpleUploadedFile("测试.xlsx", data, content_type="application/octet-stream")
    preview = client.post(reverse("projects:workbook_upload"), {"workbook": workbook})
    assert preview.status_code == 200
    return preview.context["token"]


def _confirm(client, token: str) -> str:
    response = client.post(reverse("projects:workbook_confirm"), {"token": token}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_confirmation_whose_request_was_killed_is_reported_as_unfinished(client, filing, previewed):
    # What a killed confirmation leaves: the upload claimed and still stored, the session unchanged.
    assert PendingUploadStorage(name=previewed).claim()

    page = _confirm(client, previewed)

    assert "确认导入，但导入没有完成" in page and "已过期" not in page
    assert Filing.objects.get(pk=filing.pk).name == "确认测试项目"


def test_a_confirmation_of_an_import_that_is_over_says_so(client, filing, previewed):
    storage = PendingUploadStorage(name=previewed)
    assert storage.claim()
    storage.remove()  # as the import does when it is over

    page = _confirm(client, previewed)

    assert "导入已经结束" in page and "已过期" not in page


def test_an_expired_upload_is_reported_as_expired(client, filing, previewed):
    PendingUploadStorage(name=previewed).remove()  # nobody confirmed it, and it expired

    page = _confirm(client, previewed)

    assert "待确认的文件已过期" in page


def test_a_confirmation_as_usual_imports_the_workbook(client, filing, previewed):
    page = _confirm(client, previewed)

    assert "更新 1 张" in page and Filing.objects.get(pk=filing.pk).name == "改过的名称"
