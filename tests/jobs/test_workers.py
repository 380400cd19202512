"""Jobs run by real ``manage.py db_worker`` processes on the test database (SQLite or PostgreSQL,
whichever the suite runs on): two workers share a batch; a worker killed in the middle of one
leaves nothing lost, and another finishes the job with the whole file."""

from __future__ import annotations

import io
import time

import pikepdf
import pytest
from django.core.files.storage import storages

from jobs import services
from jobs.models import Job, JobStatus
from jobs.workers import start_workers, stop_workers
from projects.models import Department, Filing
from tests.helpers.pdfs import page_texts

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOST_AFTER = 2  # seconds without progress before a running job is taken for lost


@pytest.fixture
def worker_env(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.JOBS_LOST_AFTER_SECONDS = LOST_AFTER
    return {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "BUDGETPERF_TASKS_BACKEND": DATABASE_TASKS["default"]["BACKEND"],
        "BUDGETPERF_JOBS_LOCATION": settings.STORAGES["jobs"]["OPTIONS"]["location"],
        "BUDGETPERF_JOBS_LOST_AFTER": str(LOST_AFTER),
        "BUDGETPERF_CACHE_DIR": str(tmp_path / "worker-cache"),  # cold: every chunk is rendered
        "BUDGETPERF_PDF_PRERENDER": "0",
    }


def _unit_year_of_several_chunks() -> tuple[Department, int, int]:
    """宝安 2023: its 部门整体 form and 21 二级 forms, three chunks or so."""
    department = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    return department, 2023, Filing.objects.filter(department=department, fiscal_year=2023).count()


def _pdf_job(department: Department, year: int) -> Job:
    return services.job_start(
        kind="pdf_batch",
        title="测试导出",
        key=f"test:{department.pk}:{year}",
        params={"department_id": department.pk, "year": year, "output": "pdf", "stem": "测试导出"},
        user=None,
    )


def _wait(job: Job, until, *, timeout: float = 90, workers=()) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        services.jobs_requeue_lost(job_id=job.pk)  # as the job page does while someone watches it
        job.refresh_from_db()
        if until(job):
            return job
        for worker in workers:
            assert worker.poll() is None, worker.stderr.read().decode(errors="replace")[-3000:]
        time.sleep(0.05)
    raise AssertionError(f"job stuck: {job.status} {job.done}/{job.total}")


def _assert_whole(job: Job, department: Department, year: int) -> None:
    forms = list(Filing.objects.filter(department=department, fiscal_year=year))
    with storages["jobs"].open(job.result_path, "rb") as stored:
        pdf = stored.read()
    with pikepdf.open(io.BytesIO(pdf)) as document:  # a half-written file would not open
        assert len(document.pages) >= len(forms)
    titles = {form.form_kind.title for form in forms}
    assert sum(1 for text in page_texts(pdf) if any(title in text for title in titles)) == len(forms)


def test_two_workers_share_a_batch_asked_for_twice_and_the_file_is_whole(samples, worker_env):
    department, year, count = _unit_year_of_several_chunks()
    job = _pdf_job(department, year)
    assert _pdf_job(department, year).pk == job.pk  # asked again while it waits: the same job
    workers = start_workers(2, env=worker_env)
    try:
        job = _wait(job, lambda job: not job.is_active, workers=workers)
    finally:
        stop_workers(workers)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, count, count)
    assert job.parts.count() > 1 and job.attempts == 0 and Job.objects.count() == 1
    _assert_whole(job, department, year)


def test_a_worker_killed_in_the_middle_of_a_job_loses_nothing(samples, worker_env):
    department, year, count = _unit_year_of_several_chunks()
    job = _pdf_job(department, year)
    first = start_workers(1, env=worker_env)
    try:
        job = _wait(job, lambda job: job.done > 0, workers=first)
    finally:
        stop_workers(first, kill=True)  # SIGKILL: no chance to tidy up
    assert job.status == JobStatus.RUNNING and 0 < job.done < job.total

    second = start_workers(1, env=worker_env)
    try:
        job = _wait(job, lambda job: not job.is_active, workers=second)
    finally:
        stop_workers(second)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, count, count)
    _assert_whole(job, department, year)
