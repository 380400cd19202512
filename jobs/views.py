"""A job's page (its progress, then its file or its errors), the progress it polls, the download, and
the list of one's jobs."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from budgetperf.downloads import safe_filename
from jobs import selectors
from jobs.services import job_file, jobs_requeue_lost


def _current(request: HttpRequest, pk: UUID):
    job = selectors.job_for(request.user, pk)
    if job.is_active and jobs_requeue_lost(job_id=job.pk):
        job.refresh_from_db()
    return job


@login_required
def job_view(request: HttpRequest, pk: UUID) -> HttpResponse:
    return render(request, "jobs/job.html", {"job": _current(request, pk)})


@login_required
def job_progress(request: HttpRequest, pk: UUID) -> JsonResponse:
    job = _current(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "active": job.is_active,
        }
    )


@login_required
def job_download(request: HttpRequest, pk: UUID) -> FileResponse:
    job = selectors.job_for(request.user, pk)
    opened = job_file(job)
    if opened is None:
        raise Http404("该任务没有可下载的文件，或文件已过期")
    filename = safe_filename(job.result_filename)
    return FileResponse(opened, as_attachment=True, filename=filename, content_type=job.result_type)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/job_list.html", {"jobs": selectors.jobs_for(request.user)[:50]})
