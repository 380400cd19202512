"""Printing ahead: once filings change, their departments' PDFs are rendered in the background.

A department's batch of a hundred forms takes seconds to render, and an export that finds its forms
in the cache a tenth of a second. So whenever a save, an import or a review commits, a background
job (``projects.background``, kind ``prerender``) is queued for each department and year it
touched: a worker renders whatever of their exports is not cached yet, into the cache the exports
read (shared by every machine). A department already waiting is not queued twice (one being
rendered gets a job to follow it, since it read the department before the change), and a job that
finds everything cached does nothing.

``prerender_after_commit(filings=...)`` is called by the workflows that change filings (through
``changes.filings_changed``, and by the review steps); it does nothing when
``settings.PDF_PRERENDER`` is off.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from jobs.services import job_start
from projects.models import Department, Filing
from projects.selectors import department_filings
from projects.services import pdf as pdf_services


def prerender_after_commit(*, filings: Iterable[Filing], previously: Iterable[tuple[int, int]] = ()) -> None:
    """Once the current transaction commits, queues the printing ahead of these filings' departments.

    ``previously`` holds the ``exported_under`` pairs of the filings before the change: a filing
    moved to another department or year leaves its old department's batch to redo as well.
    """
    if not settings.PDF_PRERENDER:
        return
    departments = {pair for filing in filings for pair in exported_under(filing)} | set(previously)
    if departments:
        transaction.on_commit(lambda: prerender_queue(departments))


def exported_under(filing: Filing) -> set[tuple[int, int]]:
    """The (department id, year) pairs whose exports hold the filing: its unit's, its unit's parent's and,
    for a 二级 form, its 一级预算单位's (``selectors.department_filings``)."""
    year = filing.fiscal_year
    units = {filing.department_id, filing.department.parent_id if filing.department_id else None}
    header = filing.header
    units.add(getattr(header, "top_unit_id", None))
    return {(unit, year) for unit in units if unit is not None}


def prerender_queue(departments: Iterable[tuple[int, int]]) -> None:
    """A printing-ahead job per (department id, year); one already waiting or running is not queued again."""
    for department_id, year in sorted(set(departments)):
        job_start(
            kind="prerender",
            title=f"预先生成 PDF（单位 {department_id}，{year} 年）",
            key=f"prerender:{department_id}:{year}",
            params={"department_id": department_id, "year": year},
            user=None,
            follow_running=True,  # a job already rendering may have read the department before this change
        )


def prerender_department(*, department_id: int, year: int) -> None:
    """Renders into the cache, here and now, whatever of the department's exports is not there yet."""
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        return
    filings = list(department_filings(department, year=year))
    pdf_services.prerender(filings=filings, reviews=pdf_services.printed_reviews(filings))
