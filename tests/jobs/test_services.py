"""Jobs through their steps: planned into parts, run, finished into a stored file; asked for twice,
left behind by a dead worker, failing, expiring. Tasks run where they are queued here (the
immediate backend); tests/jobs/test_workers.py runs them in real worker processes."""

from __future__ import annotations

import io
from datetime import timedelta

import pikepdf
import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import services
from jobs.kinds import JobKind, Outcome, Result, register
from jobs.models import Job, JobPart, JobStatus
from projects.models import Department, Filing
from tests.helpers.pdfs import page_texts

pytestmark = pytest.mark.django_db

QUEUED_IN_DATABASE = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
CALLS: list[tuple[str, int]] = []


def _counting_part(job, index, still_working):
    CALLS.append((str(job.pk), index))
    if job.params.get("fail_at") == index:
        raise ValueError("第 2 部分的数据有误")


register(
    JobKind(
        "test_count",
        plan=lambda job: list(job.params["sizes"]),
        run_part=_counting_part,
        finish=lambda job: Result(b"x" * job.total, "结果.txt", "text/plain", message="完成"),
    )
)
register(JobKind("test_outcome", plan=lambda job: [], run_part=_counting_part, finish=lambda job: Outcome("无事可做")))


@pytest.fixture(autouse=True)
def no_calls():
    CALLS.clear()


def _start(people, sizes=(2, 3), key="count", **params) -> Job:
    return services.job_start(
        kind="test_count", title="计数", key=key, params={"sizes": list(sizes), **params}, user=people.owner
    )


def test_a_job_runs_its_parts_and_stores_its_result(people):
    job = _start(people)
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.percent) == (JobStatus.DONE, 5, 5, 100)
    assert sorted(index for _, index in CALLS) == [0, 1]
    assert job.parts.count() == 2 and not job.parts.filter(finished_at__isnull=True).exists()
    with services.job_file(job) as stored:
        assert stored.read() == b"xxxxx"
    assert job.result_filename == "结果.txt" and job.message == "完成"
    assert job.expires_at > timezone.now()


def test_a_job_without_parts_finishes_with_its_message(people):
    job = services.job_start(kind="test_outcome", title="空", key="empty", params={}, user=people.owner)
    job.refresh_from_db()
    assert (job.status, job.message, job.result_path) == (JobStatus.DONE, "无事可做", "")
    assert services.job_file(job) is None


def test_the_same_job_asked_for_while_it_waits_is_the_same_job(people):
    with QUEUED_IN_DATABASE:
        first = _start(people)
        second = _start(people)
        other = _start(people, key="another")
    assert first.pk == second.pk != other.pk
    assert Job.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path="jobs.tasks.plan_job").count() == 2


def test_a_finished_job_is_started_afresh(people):
    first, second = _start(people), _start(people)
    assert first.pk != second.pk


def test_a_part_run_twice_counts_once(people):
    with QUEUED_IN_DATABASE:
        job = _start(people)
        services.plan(str(job.pk))
        services.run_part(str(job.pk), 0)
        services.run_part(str(job.pk), 0)
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 2)
    assert [(str(job.pk), 0)] == CALLS


def test_the_last_part_queues_the_finishing_once(people):
    with QUEUED_IN_DATABASE:
        job = _start(people)
        services.plan(str(job.pk))
        services.run_part(str(job.pk), 1)
        services.run_part(str(job.pk), 0)
        services.run_part(str(job.pk), 0)
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHING
    assert DBTaskResult.objects.filter(task_path="jobs.tasks.finish_job").count() == 1


def test_a_job_left_running_by_a_dead_worker_is_queued_again_where_it_was(people):
    with QUEUED_IN_DATABASE:
        job = _start(people, sizes=(1, 1, 1))
        services.plan(str(job.pk))
        services.run_part(str(job.pk), 0)  # then the worker dies in part 1
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
        before = set(DBTaskResult.objects.values_list("pk", flat=True))
        assert services.jobs_requeue_lost() == 1
        again = DBTaskResult.objects.exclude(pk__in=before)
        assert sorted(task.args_kwargs["args"][1] for task in again) == [1, 2]
        assert services.jobs_requeue_lost() == 0  # its heartbeat is fresh again
    job.refresh_from_db()
    assert job.attempts == 1 and job.status == JobStatus.RUNNING


def test_a_job_lost_too_often_fails_with_a_message(people):
    with QUEUED_IN_DATABASE:
        job = _start(people)
        services.plan(str(job.pk))
        Job.objects.filter(pk=job.pk).update(
            attempts=services.MAX_ATTEMPTS, heartbeat_at=timezone.now() - timedelta(minutes=5)
        )
        services.jobs_requeue_lost()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "重试" in job.message


def test_a_failing_part_fails_the_job_with_its_reason_and_no_file(people):
    job = _start(people, sizes=(1, 1, 1), fail_at=1)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "第 2 部分的数据有误" in job.message
    assert job.result_path == "" and services.job_file(job) is None


def test_a_result_is_named_on_the_job_only_once_stored_whole(people, monkeypatch):
    storage = storages["jobs"]

    def broken_save(name, content, max_length=None):
        raise OSError("磁盘已满")

    monkeypatch.setattr(storage, "save", broken_save)
    job = _start(people)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result_path == ""


def test_expired_jobs_are_pruned_with_their_files(people):
    job = _start(people)
    job.refresh_from_db()
    path = job.result_path
    assert storages["jobs"].exists(path)
    assert services.jobs_prune(now=timezone.now()) == 0
    assert services.jobs_prune(now=job.expires_at + timedelta(seconds=1)) == 1
    assert not storages["jobs"].exists(path) and not Job.objects.filter(pk=job.pk).exists()


@pytest.mark.usefixtures("pdf_cache")
def test_a_department_pdf_job_renders_its_chunks_and_merges_them(samples, people):
    department = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    filings = list(Filing.objects.filter(department=department, fiscal_year=2023))
    job = services.job_start(
        kind="pdf_batch",
        title="宝安",
        key="pdf:baoan",
        params={"department_id": department.pk, "year": 2023, "output": "pdf", "stem": "宝安_2023"},
        user=None,
    )
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (JobStatus.DONE, len(filings), len(filings))
    assert job.parts.count() == len(job.params["chunks"]) > 1
    with services.job_file(job) as stored:
        pdf = stored.read()
    titles = {filing.form_kind.title for filing in filings}
    assert sum(1 for text in page_texts(pdf) if any(title in text for title in titles)) == len(filings)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= len(filings)
    assert job.result_filename == "宝安_2023.pdf"
    assert JobPart.objects.filter(job=job, finished_at__isnull=True).count() == 0


def test_a_request_after_a_job_started_is_followed_by_another_job_when_asked_to(people):
    with QUEUED_IN_DATABASE:
        running = _start(people)
        services.plan(str(running.pk))  # started: it read what it covers
        follow = dict(kind="test_count", title="计数", key="count", params={"sizes": [1]}, user=None)
        following = services.job_start(**follow, follow_running=True)
        again = services.job_start(**follow, follow_running=True)
        joined = services.job_start(**follow)
    assert following.pk == again.pk != running.pk and following.key == f"count:after:{running.pk}"
    assert joined.pk == running.pk  # without follow_running the running job answers


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the heartbeat thread has its own connection
def test_a_long_step_is_not_taken_for_lost_while_its_worker_lives(people, settings):
    settings.JOBS_LOST_AFTER_SECONDS = 0.3
    seen: list[int] = []

    def slow(job, index, still_working):
        import time

        time.sleep(1.0)  # longer than lost_after, without saying so
        seen.append(services.jobs_requeue_lost())

    register(JobKind("test_slow", plan=lambda job: [1], run_part=slow, finish=lambda job: Outcome("好了")))
    with QUEUED_IN_DATABASE:  # each step committed on its own, as a worker runs it
        job = services.job_start(kind="test_slow", title="慢", key="slow", params={}, user=people.owner)
        services.plan(str(job.pk))
        services.run_part(str(job.pk), 0)
        services.finish(str(job.pk))
    job.refresh_from_db()
    assert seen == [0] and job.status == JobStatus.DONE and job.attempts == 0


def test_each_part_starts_with_django_s_query_log_empty_as_a_request_does(settings):
    """With DEBUG on, a worker running part after part would otherwise keep every part's SQL."""
    from django.db import connection

    settings.DEBUG = True
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute("SELECT 1")
    assert len(connection.queries) >= 50
    services.run_part("00000000-0000-0000-0000-000000000000", 0)  # no such job: read and left alone
    assert 0 < len(connection.queries) < 10
