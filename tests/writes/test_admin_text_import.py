"""The admin's text import previews what it would create and change, form by form, as the workbook
upload does, and writes only once the preview is confirmed; a file cut off in a table is refused."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import Filing
from projects.services.imports import SourceFile, import_filings
from tests.helpers.samples import BAOAN
from tests.writes.forms import TEXT_CODE, project_text

pytestmark = pytest.mark.django_db

IMPORT, CONFIRM = "admin:projects_import_filings", "admin:projects_import_filings_confirm"


def _upload(client: Client, text: str, name: str = "宝安.txt"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")
    return client.post(reverse(IMPORT), {"files": upload, "year": 2031})


def test_the_preview_shows_each_forms_changes_and_nothing_is_written_until_it_is_confirmed(admin_client, people):
    import_filings(sources=[SourceFile("宝安.txt", project_text(unit=people.unit_a))], year=2031)
    filing = Filing.objects.get(code=TEXT_CODE)
    edited = project_text(unit=people.unit_a, name="改过的名称").replace("≥200人次", "≥300人次")
    other = project_text(unit=people.unit_a, code="440306259999900000002", name="新的项目")

    preview = _upload(admin_client, edited + "\n" + other)

    changes = preview.context["preview"].changes
    assert [(c.place, c.code, c.created) for c in changes] == [
        ("宝安.txt 第1行", TEXT_CODE, False),
        ("宝安.txt 第24行", "440306259999900000002", True),
    ]
    assert [(f.label, f.before, f.after) for f in changes[0].fields] == [("项目名称", "测试文本项目", "改过的名称")]
    assert [(r.kind_label, r.row["value"]) for r in changes[0].rows] == [("修改", "≥300人次")]
    page = preview.content.decode()
    assert "将<strong>新建 1 张</strong>申报表" in page and "<strong>更新 1 张</strong>" in page
    assert Filing.objects.get(pk=filing.pk).name == "测试文本项目"
    assert not Filing.objects.filter(code="440306259999900000002").exists()

    confirmed = admin_client.post(reverse(CONFIRM), {"token": preview.context["token"]})

    assert confirmed.status_code == 302
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.name, stored.version) == ("改过的名称", filing.version + 1)
    assert Filing.objects.filter(code="440306259999900000002").exists()


def test_a_preview_is_confirmed_once_and_only_from_the_session_that_made_it(admin_client, admin_user, people):
    preview = _upload(admin_client, project_text(unit=people.unit_a))
    token = {"token": preview.context["token"]}
    intruder = Client()
    intruder.force_login(admin_user)

    elsewhere = intruder.post(reverse(CONFIRM), token, follow=True)
    assert "没有待确认的导入" in elsewhere.content.decode()
    assert not Filing.objects.filter(code=TEXT_CODE).exists()

    assert admin_client.post(reverse(CONFIRM), token).status_code == 302
    again = admin_client.post(reverse(CONFIRM), token, follow=True)
    assert "没有待确认的导入" in again.content.decode()
    assert Filing.objects.filter(code=TEXT_CODE).count() == 1


def test_a_file_cut_off_in_a_table_is_refused_with_its_line_and_nothing_is_written(admin_client, empty_database):
    lines = BAOAN.read_text(encoding="utf-8").splitlines()
    cut = next(n for n, line in enumerate(lines) if line.startswith("产出\t质量")) + 1  # inside the first table
    first_half = "\n".join(lines[: cut + 100])
    cut_off = first_half[: first_half.rindex("\n产出\t")]  # the last form's table ends after its 数量 rows

    response = _upload(admin_client, cut_off, "half.txt")

    (error,) = response.context["form"].errors["files"]
    assert "token" not in response.context
    assert re.match(r"half\.txt: 第\d+行：", error) and "截断" in error  # the parser's FilingParseError
    assert Filing.objects.count() == 0
