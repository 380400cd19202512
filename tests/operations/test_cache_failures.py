"""A cache folder that cannot be used (not a folder, read-only, full) costs no export and no upload
its error page: the PDF cache is skipped with a warning, an upload that cannot be kept for its
confirmation is refused with a message in Chinese and nothing is imported.

The tests run as root, whom file modes do not stop: an unusable folder is a path that is a file, and
a read-only or full one is a small file system of its own (where mounting one is allowed)."""

from __future__ import annotations

import io
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Filing
from projects.printing.cache import CACHE_ALIAS
from projects.services.excel import filings_to_workbook
from projects.uploads import READ_FAILED, SAVE_FAILED
from tests.helpers.workbooks import edit_workbook, make_filer, value_cell

pytestmark = pytest.mark.django_db

CACHE_WARNING = "PDF 缓存无法"


def _use_cache(settings, alias: str, location: Path) -> None:
    settings.CACHES = {**settings.CACHES, alias: {**settings.CACHES[alias], "LOCATION": str(location)}}


@pytest.fixture
def not_a_folder(tmp_path) -> Path:
    path = tmp_path / "cache-is-a-file"
    path.write_text("not a folder")
    return path


@pytest.fixture
def small_disk(tmp_path) -> Iterator:
    """``mount(size)``: a folder on a tmpfs of that size; ``read_only(folder)`` remounts it read-only."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        folder = tmp_path / f"disk-{len(mounted)}"
        folder.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
        if done.returncode:
            pytest.skip(f"cannot mount a small file system here: {done.stderr.decode(errors='replace').strip()}")
        mounted.append(folder)
        return folder

    def read_only(folder: Path) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    yield mount, read_only
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def filing(people, make_filing) -> Filing:
    return make_filing(people.unit_a, name="缓存测试项目")


@pytest.fixture
def owner_client(client, people):
    client.force_login(people.owner)
    return client


def _assert_pdf(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert len(pdf.pages) >= 1
    return content


def test_the_pdfs_are_served_when_the_cache_folder_cannot_be_made(
    settings, not_a_folder, owner_client, filing, make_filing, people, caplog
):
    _use_cache(settings, CACHE_ALIAS, not_a_folder / "pdf")
    make_filing(people.unit_a, name="另一个项目")

    with caplog.at_level(logging.WARNING, logger="projects.printing.cache"):
        _assert_pdf(owner_client.get(reverse("projects:filing_pdf", args=[filing.pk])))
        merged = owner_client.get(
            reverse("projects:department_pdf"), {"department": people.unit_a.pk, "year": 2024, "output": "pdf"}
        )
        zipped = owner_client.get(
            reverse("projects:department_pdf"), {"department": people.unit_a.pk, "year": 2024, "output": "zip"}
        )

    _assert_pdf(merged)
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert CACHE_WARNING in caplog.text


def test_the_pdf_is_served_when_the_cache_disk_is_full(settings, small_disk, owner_client, filing, caplog):
    mount, _ = small_disk
    disk = mount("256k")  # the cache's database fits, a printed form does not
    _use_cache(settings, CACHE_ALIAS, disk / "pdf")

    with caplog.at_level(logging.WARNING, logger="projects.printing.cache"):
        first = _assert_pdf(owner_client.get(reverse("projects:filing_pdf", args=[filing.pk])))
        again = _assert_pdf(owner_client.get(reverse("projects:filing_pdf", args=[filing.pk])))

    assert first[:5] == again[:5] == b"%PDF-"
    assert CACHE_WARNING in caplog.text


def test_the_pdf_is_served_from_a_cache_made_read_only_after_a_restart(
    settings, small_disk, owner_client, filing, caplog
):
    mount, read_only = small_disk
    disk = mount("8m")
    _use_cache(settings, CACHE_ALIAS, disk / "pdf")
    _assert_pdf(owner_client.get(reverse("projects:filing_pdf", args=[filing.pk])))  # cached
    read_only(disk)
    _use_cache(settings, CACHE_ALIAS, disk / "pdf")  # the cache opened again, as after a restart
    Filing.objects.filter(pk=filing.pk).update(name="缓存测试项目（改）")  # not in the cache

    with caplog.at_level(logging.WARNING, logger="projects.printing.cache"):
        _assert_pdf(owner_client.get(reverse("projects:filing_pdf", args=[filing.pk])))

    assert CACHE_WARNING in caplog.text


# -- uploads awaiting confirmation ------------------------------------------------------------------


@pytest.fixture
def filer_client(client, people, filing):
    client.force_login(make_filer(people.unit_a, username="cache-filer"))
    return client


def _renamed_workbook(filing: Filing) -> bytes:
    def rename(workbook):
        value_cell(workbook.worksheets[0], "项目名称").value = "改过的名称"

    return edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)), rename)


def _upload(client, data: bytes):
    workbook = SimpleUploadedFile("测试.xlsx", data, content_type="application/octet-stream")
    return client.post(reverse("projects:workbook_upload"), {"workbook": workbook})


def test_an_upload_that_cannot_be_kept_is_refused_with_a_message(settings, not_a_folder, filer_client, filing):
    _use_cache(settings, "uploads", not_a_folder / "uploads")

    response = _upload(filer_client, _renamed_workbook(filing))

    assert response.status_code == 503
    assert SAVE_FAILED in response.content.decode()
    assert "excel_pending_imports" not in filer_client.session or not filer_client.session["excel_pending_imports"]
    assert Filing.objects.get(pk=filing.pk).name == "缓存测试项目"


def test_an_upload_too_large_for_a_full_cache_disk_is_refused_with_a_message(
    settings, small_disk, filer_client, filing
):
    mount, _ = small_disk
    disk = mount("96k")
    _use_cache(settings, "uploads", disk / "uploads")

    response = _upload(filer_client, _renamed_workbook(filing))

    # A database and a workbook of some 30 KB do not fit in 96 KB.
    assert response.status_code == 503 and SAVE_FAILED in response.content.decode()


def test_a_confirmation_whose_upload_cannot_be_read_says_so(settings, not_a_folder, filer_client, filing):
    preview = _upload(filer_client, _renamed_workbook(filing))
    assert preview.status_code == 200
    _use_cache(settings, "uploads", not_a_folder / "uploads")  # the cache broke since the preview

    confirmed = filer_client.post(
        reverse("projects:workbook_confirm"), {"token": preview.context["token"]}, follow=True
    )

    assert confirmed.status_code == 200 and READ_FAILED in confirmed.content.decode()
    assert Filing.objects.get(pk=filing.pk).name == "缓存测试项目"


def test_the_admin_list_import_says_so_when_the_upload_cannot_be_kept(settings, not_a_folder, people, client):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("cache-admin", password="unused-password-1")
    client.force_login(admin)
    _use_cache(settings, "uploads", not_a_folder / "uploads")
    csv = "项目编码,预算年度\n".encode()

    response = client.post(
        reverse("admin:projects_projectfiling_import"),
        {"format": "0", "import_file": SimpleUploadedFile("list.csv", csv, content_type="text/csv")},
        follow=True,
    )

    assert response.status_code == 200
    assert SAVE_FAILED in response.content.decode()
