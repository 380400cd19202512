"""Reads of jobs: a person sees the jobs they started, and nobody else's."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from jobs.models import Job
from projects.typing import AnyUser


def jobs_for(user: AnyUser) -> QuerySet[Job]:
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(user=user)


def job_for(user: AnyUser, pk: UUID | str) -> Job:
    """The user's job; 404 for anyone else's, whether it exists or not."""
    try:
        return jobs_for(user).get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该任务") from None
