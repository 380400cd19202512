"""The background jobs of filings (``jobs``): PDF batches and zips of a unit or a district, unit
workbooks, large workbook imports, checking again after a rule setting changes, and printing ahead.

A PDF batch is planned as the chunks its export is cached by (``printing.cache``): each chunk is
one part, rendered by whichever worker takes it, so two workers render a batch side by side, and a
chunk already cached costs nothing. Finishing merges the cached chunks into the file to download.
The filings a job covers are fixed when it is planned, so every part and the finish see the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from jobs.kinds import JobKind, Outcome, Result, register
from jobs.models import Job
from projects import selectors
from projects.models import Department, Filing
from projects.services import pdf as pdf_services
from projects.services.excel import filings_to_workbook

RECHECK_PART = 500  # filings checked again per part
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(job: Job):
    """Whom the job reads for: its starter's scope; everything for the application's own jobs."""
    return job.user


def _ordered(ids: list[int]) -> list[Filing]:
    found = Filing.objects.select_related("department").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _chunk_ids(job: Job, index: int) -> list[int]:
    return job.params["chunks"][index]


def _all_ids(job: Job) -> list[int]:
    return [pk for chunk in job.params["chunks"] for pk in chunk]


def _save_plan(job: Job, filings: list[Filing]) -> list[int]:
    chunks = [[f.pk for f in chunk] for chunk in pdf_services.batch_chunks(filings)]
    job.params = {**job.params, "chunks": chunks}
    Job.objects.filter(pk=job.pk).update(params=job.params)
    return [len(chunk) for chunk in chunks]


# -- PDF batches -----------------------------------------------------------------------------------


def batch_filings(params: dict, user) -> list[Filing]:
    """The filings of a unit's export (with the units under it), of a district's, or the ones listed."""
    if "ids" in params:
        visible = selectors.filings_for(user) if user is not None else Filing.objects.all()
        found = visible.in_bulk(params["ids"])
        return [found[pk] for pk in params["ids"] if pk in found]
    if "district" in params:
        visible = selectors.filings_for(user) if user is not None else Filing.objects.all()
        return list(
            visible.filter(department__district=params["district"], fiscal_year=params["year"]).order_by(
                "department__name", selectors.kind_order(), "code", "name", "pk"
            )
        )
    department = Department.objects.get(pk=params["department_id"])
    return list(selectors.department_filings(department, year=params["year"], user=user))


def _plan_pdf(job: Job) -> list[int]:
    filings = batch_filings(job.params, _scope(job))
    if not filings:
        raise pdf_services.NothingToExport("没有可导出的申报表")
    return _save_plan(job, filings)


def _render_chunk(job: Job, index: int, still_working: Callable[[], None]) -> None:
    filings = _ordered(_chunk_ids(job, index))
    reviews = pdf_services.printed_reviews(filings)
    if job.params.get("output") == "zip":
        pdf_services.cache_form_pdfs(filings=filings, reviews=reviews)
    else:
        pdf_services.cache_chunk_pdf(filings=filings, reviews=reviews)


def _finish_pdf(job: Job) -> Result:
    filings = _ordered(_all_ids(job))
    reviews = pdf_services.printed_reviews(filings)
    stem = job.params["stem"]
    if job.params.get("output") == "zip":
        return Result(pdf_services.filings_zip(filings=filings, reviews=reviews), f"{stem}.zip", "application/zip")
    pdf = pdf_services.filings_pdf(filings=filings, reviews=reviews, title=stem)
    return Result(pdf, f"{stem}.pdf", "application/pdf")


register(JobKind("pdf_batch", plan=_plan_pdf, run_part=_render_chunk, finish=_finish_pdf))


# -- printing ahead --------------------------------------------------------------------------------


def _plan_prerender(job: Job) -> list[int]:
    department = Department.objects.filter(pk=job.params["department_id"]).first()
    filings = list(selectors.department_filings(department, year=job.params["year"])) if department else []
    return _save_plan(job, filings)


def _prerender_chunk(job: Job, index: int, still_working: Callable[[], None]) -> None:
    """The chunk's batch PDF and each of its forms' own: whatever is cached already is not rendered."""
    filings = _ordered(_chunk_ids(job, index))
    reviews = pdf_services.printed_reviews(filings)
    pdf_services.cache_chunk_pdf(filings=filings, reviews=reviews)
    still_working()
    pdf_services.cache_form_pdfs(filings=filings, reviews=reviews)


register(
    JobKind(
        "prerender",
        plan=_plan_prerender,
        run_part=_prerender_chunk,
        finish=lambda job: Outcome("已预先生成 PDF"),
        keep_result=timedelta(hours=1),
    )
)


# -- unit workbooks --------------------------------------------------------------------------------


def _part_path(job: Job) -> str:
    return f"{job.pk}/parts/workbook.xlsx"


def _plan_workbook(job: Job) -> list[int]:
    filings = batch_filings(job.params, _scope(job))
    if not filings:
        raise pdf_services.NothingToExport("没有可导出的申报表")
    job.params = {**job.params, "ids": [f.pk for f in filings]}
    Job.objects.filter(pk=job.pk).update(params=job.params)
    return [len(filings)]


def _write_workbook(job: Job, index: int, still_working: Callable[[], None]) -> None:
    data = filings_to_workbook(filings=_ordered(job.params["ids"]))
    storage = storages["jobs"]
    if storage.exists(_part_path(job)):
        storage.delete(_part_path(job))
    storage.save(_part_path(job), ContentFile(data))


def _finish_workbook(job: Job) -> Result:
    storage = storages["jobs"]
    with storage.open(_part_path(job), "rb") as part:
        data = part.read()
    storage.delete(_part_path(job))
    return Result(data, f"{job.params['stem']}.xlsx", XLSX)


register(JobKind("workbook_export", plan=_plan_workbook, run_part=_write_workbook, finish=_finish_workbook))


# -- checking again --------------------------------------------------------------------------------


def _plan_recheck(job: Job) -> list[int]:
    ids = list(Filing.objects.filter(template_id=job.params["template_id"]).order_by("pk").values_list("pk", flat=True))
    parts = [ids[start : start + RECHECK_PART] for start in range(0, len(ids), RECHECK_PART)]
    job.params = {**job.params, "parts": parts}
    Job.objects.filter(pk=job.pk).update(params=job.params)
    return [len(part) for part in parts]


def _recheck_part(job: Job, index: int, still_working: Callable[[], None]) -> None:
    from checks.services import filing_check_refresh

    filing_check_refresh(filings=Filing.objects.filter(pk__in=job.params["parts"][index]))


def _finish_recheck(job: Job) -> Outcome:
    return Outcome(f"已按新的规则设置重新检查 {job.total} 张申报表")


register(JobKind("recheck", plan=_plan_recheck, run_part=_recheck_part, finish=_finish_recheck))


# -- large workbook imports ------------------------------------------------------------------------


def _import_workbook(job: Job, index: int, still_working: Callable[[], None]) -> None:
    """Stores the confirmed upload as the page would (all or nothing); what came of it goes on the job."""
    from projects.services.excel_import import WorkbookImportError, workbook_import
    from projects.services.previews import changed_filing_links, versions_from_json
    from projects.uploads import PendingUploadStorage

    params = job.params
    upload = PendingUploadStorage(name=params["token"])
    data = upload.read()
    outcome: dict[str, Any]
    if data is None:
        outcome = {"message": "待确认的文件已过期，请重新上传工作簿", "errors": []}
    elif job.user is None:
        outcome = {"message": "导入必须由填报人发起", "errors": []}
    else:
        try:
            result = workbook_import(
                data=data,
                file_name=params["file_name"],
                user=job.user,
                year=params["year"],
                versions=versions_from_json(params.get("versions")),
            )
        except WorkbookImportError as error:
            outcome = {
                "message": f"{params['file_name']}：未导入，请按下列问题修改后重新上传",
                "errors": error.problems,
            }
        else:
            links, _ = changed_filing_links(result.changes)
            outcome = {"message": result.summary(result.file_name), "errors": [], "links": links}
    job.params = {**params, "outcome": outcome}
    Job.objects.filter(pk=job.pk).update(params=job.params)
    upload.remove()


register(
    JobKind(
        "workbook_import",
        plan=lambda job: [1],
        run_part=_import_workbook,
        finish=lambda job: Outcome(job.params["outcome"]["message"], job.params["outcome"]["errors"]),
    )
)
