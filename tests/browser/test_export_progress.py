"""A unit's export too large to make in the request, in headless Chromium: submitted on 批量打印, it
becomes a background job run by a real ``db_worker``; its page shows the progress, reloads itself once
the job is done and offers the PDF. Screenshots go to artifacts/screenshots/."""

import io
import time

import pikepdf
import pytest
from playwright.sync_api import Error as PlaywrightError

from jobs.models import Job, JobStatus
from jobs.workers import start_workers, stop_workers
from projects.models import Department
from projects.selectors import department_filings
from projects.views.pdf import SMALL_BATCH
from tests.helpers.browser import chromium_page, shot
from tests.helpers.pdfs import page_texts
from tests.helpers.people import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BAR = "[data-job-bar]"
TIMEOUT = 120  # seconds for the worker to start and render the batch on a cold cache


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


@pytest.fixture
def worker_env(settings, tmp_path):
    """The live server queues jobs in the database, where the worker started with this env takes them."""
    settings.TASKS = DATABASE_TASKS
    return {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "BUDGETPERF_TASKS_BACKEND": DATABASE_TASKS["default"]["BACKEND"],
        "BUDGETPERF_JOBS_LOCATION": settings.STORAGES["jobs"]["OPTIONS"]["location"],
        "BUDGETPERF_CACHE_DIR": str(tmp_path / "worker-cache"),  # cold: every chunk is rendered
        "BUDGETPERF_PDF_PRERENDER": "0",
    }


def _bar_value(page) -> float | None:
    """The progress bar's value, or None while the page is between loads."""
    try:
        return page.eval_on_selector(BAR, "bar => bar.value")
    except PlaywrightError:
        return None


def _alive(worker) -> None:
    assert worker.poll() is None, worker.stderr.read().decode(errors="replace")[-3000:]


def test_a_large_unit_export_runs_on_a_worker_and_its_page_shows_the_progress_then_the_pdf(
    live_server, samples, people, browser_page, worker_env
):
    page, base = browser_page, live_server.url
    # 宝安 2023: its 部门整体 form and 21 二级 forms, a few chunks.
    unit = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    year = 2023
    forms = list(department_filings(unit, year=year))
    assert len(forms) > SMALL_BATCH

    workers = start_workers(1, env=worker_env)
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", people.administrator.username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.click("nav >> text=批量打印")
        page.wait_for_url(f"{base}/export/pdf/")
        page.select_option("#id_department", str(unit.pk))
        page.select_option("#id_year", str(year))
        page.check("input[name=output][value=pdf]")
        page.click("button:has-text('导出')")
        page.wait_for_url(f"{base}/jobs/*/")
        job = Job.objects.get(user=people.administrator, kind="pdf_batch")
        assert page.url == f"{base}/jobs/{job.pk}/"
        assert page.locator("h1").inner_text() == job.title and f"（PDF，{len(forms)} 张）" in job.title

        # The bar moves as the worker finishes chunks; caught half way, the page is photographed.
        caught_in_progress = False
        deadline = time.monotonic() + TIMEOUT
        while (value := _bar_value(page)) != 100:
            assert time.monotonic() < deadline, f"job stuck at {value}%"
            _alive(workers[0])
            if not caught_in_progress and value and page.locator("[data-job-hint]").count():
                assert page.locator("[data-job-status]").inner_text() in ("进行中", "正在生成文件")
                assert "/ " in page.locator("[data-job-count]").inner_text()
                shot(page, "40-export-progress")
                caught_in_progress = True
            time.sleep(0.1)

        # Done: the page has reloaded itself and offers the file.
        download_button = page.locator("[data-job-download]")
        download_button.wait_for(timeout=TIMEOUT * 1000)
        assert page.locator("[data-job-status]").inner_text() == "已完成"
        assert page.locator("[data-job-count]").inner_text() == f"{len(forms)} / {len(forms)}"
        assert page.locator("[data-job-hint]").count() == 0
        shot(page, "41-export-done")
        job.refresh_from_db()
        assert (job.status, job.done, job.total) == (JobStatus.DONE, len(forms), len(forms))

        with page.expect_download() as download_info:
            download_button.click()
        download = download_info.value
        assert download.suggested_filename == job.result_filename
        assert download.suggested_filename.endswith(".pdf")
        with open(download.path(), "rb") as downloaded:
            pdf = downloaded.read()
        assert pdf.startswith(b"%PDF")
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert len(document.pages) >= len(forms)
        titles = {form.form_kind.title for form in forms}
        assert sum(1 for text in page_texts(pdf) if any(title in text for title in titles)) == len(forms)

        page.set_viewport_size({"width": 390, "height": 844})
        shot(page, "41-export-done-phone")
    finally:
        stop_workers(workers)
