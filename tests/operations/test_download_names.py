"""File names of downloads (PDF, zip and its entries, workbooks, a unit's overview, background jobs'
results) show what the file is: no RIGHT-TO-LEFT OVERRIDE turning ``fdp.exe`` into ``exe.pdf``, no
other bidirectional, zero-width or control characters, no path separators."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse

from budgetperf.downloads import MAX_NAME_BYTES, safe_filename
from jobs.models import Job

RLO = "\u202e"
# A name as someone might type or import it to mislead: an override, an isolate, zero-width
# characters, a byte-order mark, a line break, a tab, a path.
HOSTILE = f"恶意{RLO}fdp.exe\u2066隔离\u2069\u200b零宽\ufeff\n换行\t制表/路径\\"


def _unsafe(name: str) -> list[str]:
    return [
        f"U+{ord(char):04X}"
        for char in name
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Co", "Cs"} or char in '/\\:*?"<>|'
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (f"申报表{RLO}fdp.exe", "申报表fdp.exe"),
        ("单位\u2067甲\u2069_2024.pdf", "单位甲_2024.pdf"),
        ("零\u200b宽\u200d字\ufeff符.xlsx", "零宽字符.xlsx"),
        ("第一行\r\n第二行\t.zip", "第一行 第二行.zip"),
        ('a/b\\c:d*e?f"g<h>i|j.pdf', "a_b_c_d_e_f_g_h_i_j.pdf"),
        ("\x00\x07响铃\x1b[31m.pdf", "响铃[31m.pdf"),
        ("  ..隐藏.  ", "隐藏"),
        (f"{RLO}\u200b.pdf", "download.pdf"),
        ("", "download"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_a_long_name_is_cut_on_a_character_and_keeps_its_extension():
    name = safe_filename("项目" * 200 + ".pdf")

    assert name.endswith(".pdf") and len(name.encode()) <= MAX_NAME_BYTES
    assert name.startswith("项目项目")


def _download_name(response) -> str:
    disposition = response["Content-Disposition"]
    encoded = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
    return unquote(encoded.group(1)) if encoded else re.search(r'filename="([^"]*)"', disposition).group(1)


@pytest.fixture
def hostile(people, make_filing):
    people.unit_a.name = f"宝安{RLO}xslx.exe单位"
    people.unit_a.save()
    filing = make_filing(people.unit_a, name=HOSTILE)
    return filing


@pytest.mark.django_db
def test_the_pdf_and_the_zip_and_its_entries_have_safe_names(client, people, hostile):
    client.force_login(people.owner)

    single = client.get(reverse("projects:filing_pdf", args=[hostile.pk]))
    zipped = client.get(
        reverse("projects:department_pdf"), {"department": people.unit_a.pk, "year": 2024, "output": "zip"}
    )
    merged = client.get(
        reverse("projects:department_pdf"), {"department": people.unit_a.pk, "year": 2024, "output": "pdf"}
    )

    for response in (single, zipped, merged):
        assert response.status_code == 200
        name = _download_name(response)
        assert _unsafe(name) == [] and "exe" in name, name
    content = b"".join(zipped.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for entry in archive.namelist():
            assert _unsafe(entry) == [] and entry.endswith(".pdf"), entry


@pytest.mark.django_db
def test_workbook_and_overview_downloads_have_safe_names(client, people, hostile):
    client.force_login(people.owner)

    responses = [
        client.get(reverse("projects:filing_xlsx", args=[hostile.pk])),
        client.get(reverse("projects:department_xlsx"), {"department": people.unit_a.pk, "year": 2024}),
        client.get(reverse("projects:blank_xlsx"), {"department": people.unit_a.pk, "kind": "project"}),
        client.get(reverse("projects:unit_year_xlsx", args=[people.unit_a.pk, 2024])),
    ]

    for response in responses:
        assert response.status_code == 200, response
        name = _download_name(response)
        assert _unsafe(name) == [] and name.endswith(".xlsx"), name


@pytest.mark.django_db
def test_a_background_jobs_result_has_a_safe_name(client, people, make_filing, hostile):
    from projects.views.excel import SMALL_WORKBOOK

    for number in range(SMALL_WORKBOOK):
        make_filing(people.unit_a, name=f"项目{number}")
    client.force_login(people.owner)

    started = client.get(reverse("projects:department_xlsx"), {"department": people.unit_a.pk, "year": 2024})
    job = Job.objects.get()
    download = client.get(reverse("jobs:download", args=[job.pk]))

    assert started.status_code == 302 and job.status == "done"
    assert _unsafe(job.result_filename) == [] and _unsafe(job.result_path) == ["U+002F"]  # the job's folder
    assert _unsafe(_download_name(download)) == []
