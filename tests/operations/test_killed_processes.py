"""Processes killed in the middle of their work, as a timeout, the kernel's OOM killer or an
operator would: nothing they started lives on, nothing is left half-written, and the next request
or job is served.

A gunicorn worker is killed while it renders a zip of PDFs; its master, killed too, takes its
workers along. A ``db_worker`` is killed while it imports a workbook, and another one imports it
again, whole. Processes are told apart by a mark in their environment (``conftest.py``).
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import zipfile
from collections.abc import Callable

import pikepdf
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jobs import services
from jobs.models import Job, JobStatus
from jobs.workers import start_workers, stop_workers
from projects.models import Department, Filing
from projects.services.excel import filings_to_workbook
from projects.uploads import PendingUploadStorage
from tests.helpers.workbooks import edit_workbook, make_filer, value_cell
from tests.operations.processes import (
    MARK,
    Gunicorn,
    alive,
    cpu_seconds,
    descendants,
    processes_marked,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FORMS = 8  # one zip of this many forms is rendered in the request (about 2 s with an empty cache)


@pytest.fixture
def unit(people, make_filing) -> Department:
    """A unit with FORMS filings of 2024, each with a few rows under every 二级指标."""
    for number in range(FORMS):
        make_filing(people.unit_a, name=f"故障测试项目{number}", rows_per_category=3)
    return people.unit_a


def _session_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _kill_the_worker_serving(server: Gunicorn, ask: Callable[[], object], *, cpu: float) -> None:
    """Sends a request (``ask``) and kills the worker serving it, with SIGKILL, once that worker has
    spent ``cpu`` seconds on it; then checks that the request got no answer (it was killed in the
    middle) and that nothing the worker had started lives on."""
    workers = server.workers()
    before = {pid: cpu_seconds(pid) for pid in workers}
    outcome: dict[str, object] = {}

    def send() -> None:
        try:
            outcome["response"] = ask()
        except OSError as error:  # the connection closed without an answer
            outcome["error"] = error

    sending = threading.Thread(target=send)
    sending.start()
    deadline = time.monotonic() + 15
    busy = None
    while busy is None:
        assert time.monotonic() < deadline, "no worker took up the request"
        busy = next((pid for pid in workers if cpu_seconds(pid) - before[pid] >= cpu), None)
        time.sleep(0.02)
    started_by_it = descendants(busy)
    os.kill(busy, signal.SIGKILL)
    sending.join(timeout=30)

    assert "response" not in outcome, "the request was served before the worker was killed"
    wait_until(lambda: not alive(busy), timeout=10, what="the killed worker is gone")
    wait_until(
        lambda: not any(alive(pid) for pid in started_by_it),
        timeout=10,
        what=f"what the killed worker started is gone: {started_by_it}",
    )
    # A new worker may run short-lived helpers as it starts (ctypes' library lookup, for one) on a busy
    # machine: what must not happen is a process that stays.
    wait_until(lambda: server.leftovers() == set(), timeout=15, what="no process left over")


def test_a_gunicorn_worker_killed_mid_render_leaves_no_process_and_the_next_request_works(unit, people, gunicorn):
    session = _session_of(people.owner)
    zip_url = f"/export/pdf/?department={unit.pk}&year=2024&output=zip"
    server = gunicorn(workers=2)

    _kill_the_worker_serving(server, lambda: server.get(zip_url, session=session), cpu=0.3)

    # The next request is answered, by the other worker or the one the master starts instead.
    response = server.get(zip_url, session=session)
    assert response.status == 200
    with zipfile.ZipFile(io.BytesIO(response.body)) as archive:
        names = archive.namelist()
        assert len(names) == FORMS
        for name in names:
            with pikepdf.open(io.BytesIO(archive.read(name))) as pdf:
                assert len(pdf.pages) >= 1
    wait_until(lambda: len(server.workers()) == 2, timeout=20, what="the master replaces the killed worker")
    # A new worker may run short-lived helpers as it starts (ctypes' library lookup, for one) on a busy
    # machine: what must not happen is a process that stays.
    wait_until(lambda: server.leftovers() == set(), timeout=15, what="no process left over")

    # A master killed outright takes its workers along (gunicorn.conf.py's post_fork).
    os.kill(server.master, signal.SIGKILL)
    server.process.wait(timeout=5)
    wait_until(lambda: not processes_marked(server.mark), timeout=10, what="the workers stop with their master")


def test_a_confirmation_killed_mid_import_writes_nothing_and_is_then_reported_as_unfinished(
    settings, tmp_path, people, make_filing, gunicorn
):
    # The test's upload cache is the one gunicorn's workers use.
    uploads = {**settings.CACHES["uploads"], "LOCATION": str(tmp_path / "cache" / "uploads")}
    settings.CACHES = {**settings.CACHES, "uploads": uploads}
    projects = [make_filing(people.unit_a, name=f"确认测试项目{number}") for number in range(IMPORTED)]
    renamed = Filing.objects.filter(pk__in=[filing.pk for filing in projects], name__endswith="（改）")
    client = Client()
    client.force_login(make_filer(people.unit_a, username="fault-filer"))
    workbook = SimpleUploadedFile("测试.xlsx", _renamed_workbook(projects), content_type="application/octet-stream")
    preview = client.post(reverse("projects:workbook_upload"), {"workbook": workbook})
    assert preview.status_code == 200
    token, session = preview.context["token"], client.cookies["sessionid"].value
    server = gunicorn(workers=1)

    confirm = reverse("projects:workbook_confirm")
    _kill_the_worker_serving(server, lambda: server.post(confirm, {"token": token}, session=session), cpu=0.15)
    assert renamed.count() == 0  # the import is one transaction: nothing of it was stored

    # The session still holds the upload (the killed request never saved it): confirming it again
    # says that it was confirmed and did not finish, not that it expired.
    wait_until(lambda: len(server.workers()) == 1, timeout=20, what="the master replaces the killed worker")
    again = server.post(confirm, {"token": token}, session=session)
    assert again.status == 302
    page = server.get(again.headers["Location"], session=session, cookies=again.cookies()).body.decode()
    assert "确认导入，但导入没有完成" in page and "已过期" not in page
    assert renamed.count() == 0


IMPORTED = 30  # forms in the workbook: about 0.6 s of CPU to import
LOST_AFTER = 2


@pytest.fixture
def import_job_env(settings, tmp_path, process_mark):
    """Workers on the database queue, sharing the test's upload cache, quick to take a job for lost."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_LOST_AFTER_SECONDS = LOST_AFTER
    uploads = {**settings.CACHES["uploads"], "LOCATION": str(tmp_path / "cache" / "uploads")}
    settings.CACHES = {**settings.CACHES, "uploads": uploads}
    return {
        MARK: process_mark,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "BUDGETPERF_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "BUDGETPERF_JOBS_LOCATION": settings.STORAGES["jobs"]["OPTIONS"]["location"],
        "BUDGETPERF_JOBS_LOST_AFTER": str(LOST_AFTER),
        "BUDGETPERF_CACHE_DIR": str(tmp_path / "cache"),
        "BUDGETPERF_PDF_PRERENDER": "0",
    }


def _renamed_workbook(filings: list[Filing]) -> bytes:
    """The filings' workbook with every 项目名称 changed."""

    def rename(workbook):
        for sheet in workbook.worksheets:
            cell = value_cell(sheet, "项目名称")
            cell.value = f"{cell.value}（改）"

    return edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk__in=[f.pk for f in filings])), rename)


def test_a_db_worker_killed_mid_import_leaves_no_process_and_nothing_half_written(people, make_filing, import_job_env):
    projects = [make_filing(people.unit_a, name=f"导入测试项目{number}") for number in range(IMPORTED)]
    versions = {filing.pk: filing.version for filing in projects}
    filer = make_filer(people.unit_a, username="fault-filer")
    storage = PendingUploadStorage()
    storage.save(_renamed_workbook(projects))
    job = services.job_start(
        kind="workbook_import",
        title="导入 测试.xlsx",
        key=f"workbook_import:{storage.name}",
        params={"token": storage.name, "file_name": "测试.xlsx", "year": 2024},
        user=filer,
    )
    renamed = Filing.objects.filter(pk__in=versions, name__endswith="（改）")

    first = start_workers(1, env=import_job_env)
    try:
        wait_until(
            lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists() and cpu_seconds(first[0].pid) > 0,
            timeout=20,
            what="the worker takes the job",
        )
        before = cpu_seconds(first[0].pid)
        wait_until(lambda: cpu_seconds(first[0].pid) - before >= 0.15, timeout=10, what="the worker imports")
        started_by_it = descendants(first[0].pid)
    finally:
        stop_workers(first, kill=True)
    assert not any(alive(pid) for pid in started_by_it)
    assert processes_marked(import_job_env[MARK]) == set()

    # Killed in the middle of the import's one transaction: nothing of it is stored.
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING, "the import was over before the worker was killed"
    assert renamed.count() == 0 and "outcome" not in job.params
    assert {f.pk: f.version for f in Filing.objects.filter(pk__in=versions)} == versions

    second = start_workers(1, env=import_job_env)
    try:
        wait_until(lambda: _over(job), timeout=30, what="another worker imports the workbook again")
    finally:
        stop_workers(second)
    assert processes_marked(import_job_env[MARK]) == set()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert renamed.count() == len(projects)
    # Stored once: one new version each, one history record of the import each.
    assert {f.pk: f.version for f in Filing.objects.filter(pk__in=versions)} == {
        pk: version + 1 for pk, version in versions.items()
    }
    assert storage.read() is None


def _over(job: Job) -> bool:
    services.jobs_requeue_lost(job_id=job.pk)  # as the job page does while someone watches it
    job.refresh_from_db()
    return not job.is_active
