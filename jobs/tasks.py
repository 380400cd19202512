"""The tasks the workers run (``manage.py db_worker``): each step of a job (``jobs.services``)."""

from __future__ import annotations

from django_tasks import task


@task()
def plan_job(job_id: str) -> None:
    from jobs import services

    services.plan(job_id)


@task()
def run_job_part(job_id: str, index: int) -> None:
    from jobs import services

    services.run_part(job_id, index)


@task()
def finish_job(job_id: str) -> None:
    from jobs import services

    services.finish(job_id)
