"""Starting jobs, running their parts as tasks, and finding the jobs a killed worker left behind.

Every step is idempotent and checked against the job's state in the database, so a task run twice
(a re-queued part, a duplicate after a restart) does nothing the second time:

- ``job_start`` creates the job and queues its planning, in the caller's transaction; the same job
  (same ``key``) asked for while one is active gives the active one.
- planning marks the job running, splits it into parts (``JobPart``) and queues one task per part;
- a part task does its work, marks the part finished and adds its size to the job's progress; the
  part that finishes last claims the job for finishing and queues that;
- finishing stores the result through the storage API under the job's id, and only then, in one
  update, names it on the job and marks the job done: a file is never offered half-written.

A job whose heartbeat is older than ``JOBS_LOST_AFTER`` while running is taken for lost (its
worker died): ``jobs_requeue_lost`` queues again what is unfinished. Every task calls it as it
starts, and so does the job page as it polls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, IntegrityError, connections, reset_queries, transaction
from django.db.models import F
from django.utils import timezone

from budgetperf.downloads import safe_filename
from jobs import tasks
from jobs.kinds import Result, kind_named
from jobs.models import ACTIVE, Job, JobPart, JobStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def _storage():
    return storages["jobs"]


def lost_after() -> timedelta:
    return timedelta(seconds=settings.JOBS_LOST_AFTER_SECONDS)


def job_start(
    *, kind: str, title: str, key: str, params: dict[str, Any], user: User | None, follow_running: bool = False
) -> Job:
    """The job for ``key``: the one already queued or running, or a new one, queued.

    With ``follow_running`` a job that has started already does not answer for the request: what it
    covers was fixed when it started, and the request may be about a change made since (printing
    ahead after a save). A job is queued to follow it, which later requests join while it waits.
    """
    kind_named(kind)  # an unknown kind fails here, not in a worker
    with transaction.atomic():
        active = Job.objects.filter(key=key, status__in=ACTIVE).first()
        if active is not None and follow_running and active.status != JobStatus.QUEUED:
            key = f"{key}:after:{active.pk}"
            active = Job.objects.filter(key=key, status__in=ACTIVE).first()
        if active is not None:
            return active
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind, title=title, key=key, params=params, user=user, heartbeat_at=timezone.now()
                )
        except IntegrityError:  # started a moment ago by another request
            return Job.objects.get(key=key, status__in=ACTIVE)
        tasks.plan_job.enqueue(str(job.pk))
    return job


def _beat(job_id: Any) -> None:
    Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())


@contextmanager
def _beating(job_id: Any) -> Iterator[None]:
    """While a step runs, a thread says so every third of ``lost_after()``: a long step (a large
    import, a big workbook) is not taken for lost while its worker is alive."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(lost_after().total_seconds() / 3):
                try:
                    _beat(job_id)
                except DatabaseError:  # e.g. SQLite locked by the step itself: try again later
                    logger.warning("后台任务 %s 的进展未能记录", job_id)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk, status__in=ACTIVE).update(
        status=JobStatus.FAILED, message=message, finished_at=timezone.now()
    )


def plan(job_id: str) -> None:
    jobs_requeue_lost()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now()
    )
    job = Job.objects.filter(pk=job_id).first()
    if not claimed or job is None:
        return  # planned already: a duplicate task (a re-queued job resumes through its parts)
    try:
        with _beating(job.pk):
            sizes = kind_named(job.kind).plan(job)
    except Exception as error:
        logger.exception("后台任务 %s 无法开始", job.pk)
        _fail(job, f"无法开始：{error}")
        return
    with transaction.atomic():
        JobPart.objects.filter(job=job).delete()
        JobPart.objects.bulk_create(JobPart(job=job, index=i, size=size) for i, size in enumerate(sizes))
        Job.objects.filter(pk=job.pk).update(total=sum(sizes), done=0, heartbeat_at=timezone.now())
        if not sizes:
            _claim_finishing(job.pk)
        for index in range(len(sizes)):
            tasks.run_job_part.enqueue(str(job.pk), index)


def run_part(job_id: str, index: int) -> None:
    # A worker runs part after part: with DEBUG on, the SQL of each part's queries would pile up in
    # Django's log (up to 9,000 of them) as it does not across requests, which reset it as they start.
    reset_queries()
    jobs_requeue_lost()
    job = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).first()
    part = JobPart.objects.filter(job_id=job_id, index=index, finished_at__isnull=True).first()
    if job is None or part is None:
        return
    _beat(job.pk)
    try:
        with _beating(job.pk):
            kind_named(job.kind).run_part(job, index, lambda: _beat(job_id))
    except Exception as error:
        logger.exception("后台任务 %s 第 %s 部分失败", job.pk, index)
        _fail(job, f"处理失败：{error}")
        return
    with transaction.atomic():
        if JobPart.objects.filter(pk=part.pk, finished_at__isnull=True).update(finished_at=timezone.now()):
            Job.objects.filter(pk=job.pk).update(done=F("done") + part.size, heartbeat_at=timezone.now())
        if not JobPart.objects.filter(job=job, finished_at__isnull=True).exists():
            _claim_finishing(job.pk)


def _claim_finishing(job_id: Any) -> None:
    """Of the parts finishing together, the one that moves the job on queues the finishing."""
    if Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(status=JobStatus.FINISHING):
        tasks.finish_job.enqueue(str(job_id))


def finish(job_id: str) -> None:
    jobs_requeue_lost()
    job = Job.objects.filter(pk=job_id, status=JobStatus.FINISHING).first()
    if job is None:
        return
    _beat(job.pk)
    kind = kind_named(job.kind)
    try:
        with _beating(job.pk):
            outcome = kind.finish(job)
    except Exception as error:
        logger.exception("后台任务 %s 无法完成", job.pk)
        _fail(job, f"无法完成：{error}")
        return
    now = timezone.now()
    done: dict[str, Any] = {"status": JobStatus.DONE, "finished_at": now, "expires_at": now + kind.keep_result}
    if isinstance(outcome, Result):
        # Stored whole first; the job names the file only after (a worker killed while writing leaves
        # an unnamed file, which the retry writes again under another name and pruning removes).
        try:
            filename = safe_filename(outcome.filename)
            path = _storage().save(f"{job.pk}/{filename}", ContentFile(outcome.content))
        except OSError as error:
            logger.exception("后台任务 %s 的结果无法保存", job.pk)
            _fail(job, f"结果文件无法保存：{error}")
            return
        done |= {
            "result_path": path,
            "result_filename": filename,
            "result_type": outcome.content_type,
            "message": outcome.message,
        }
    else:
        done |= {"message": outcome.message, "errors": outcome.errors}
    Job.objects.filter(pk=job.pk, status=JobStatus.FINISHING).update(**done)


def _queue_unfinished(job: Job) -> None:
    if job.status == JobStatus.FINISHING:
        tasks.finish_job.enqueue(str(job.pk))
        return
    unfinished = list(job.parts.filter(finished_at__isnull=True).values_list("index", flat=True))
    if not unfinished and job.parts.exists():
        _claim_finishing(job.pk)
    for index in unfinished:
        tasks.run_job_part.enqueue(str(job.pk), index)
    if not job.parts.exists():
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        tasks.plan_job.enqueue(str(job.pk))


def jobs_requeue_lost(*, job_id: Any = None) -> int:
    """Queues again the unfinished work of running jobs nobody has worked on for ``lost_after()``;
    after ``MAX_ATTEMPTS`` a job fails instead. How many jobs were taken up again."""
    now = timezone.now()
    stale = Job.objects.filter(status__in=[JobStatus.RUNNING, JobStatus.FINISHING], heartbeat_at__lt=now - lost_after())
    if job_id is not None:
        stale = stale.filter(pk=job_id)
    taken = 0
    for job in stale:
        # Whoever moves the heartbeat on takes the job up; anyone else seeing it stale gives way.
        if not Job.objects.filter(pk=job.pk, heartbeat_at=job.heartbeat_at).update(
            heartbeat_at=now, attempts=F("attempts") + 1
        ):
            continue
        if job.attempts + 1 > MAX_ATTEMPTS:
            _fail(job, f"处理中断已重试 {MAX_ATTEMPTS} 次，仍未完成，请重新发起")
            continue
        logger.warning("后台任务 %s 已 %s 无进展，重新排队", job.pk, now - job.heartbeat_at)
        _queue_unfinished(job)
        taken += 1
    return taken


def job_file(job: Job):
    """The stored result, opened for reading; None if the job has none (yet, or any more)."""
    if job.status != JobStatus.DONE or not job.result_path:
        return None
    storage = _storage()
    return storage.open(job.result_path, "rb") if storage.exists(job.result_path) else None


def jobs_prune(*, now=None) -> int:
    """Deletes the jobs whose results have expired, with their files; how many."""
    now = now or timezone.now()
    expired = list(Job.objects.filter(expires_at__lt=now))
    storage = _storage()
    for job in expired:
        if job.result_path and storage.exists(job.result_path):
            storage.delete(job.result_path)
    Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return len(expired)
