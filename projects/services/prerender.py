"""Printing ahead: once filings change, their departments' PDFs are rendered in the background.

A department's batch of a hundred forms takes about three seconds to render, and an export that
finds its forms in the cache takes a tenth of a second. So whenever a save, an import or a review
commits, the PDFs of the departments (and years) it touched are rendered by a thread of the web
process (one per process), through the same render pool and into the same content-keyed cache as
an export would: when someone exports, the work is done. What is already cached is not rendered again.

``prerender_after_commit(filings=...)`` is called by the workflows that change filings (through
``changes.filings_changed``, and by the review steps); it does nothing when
``settings.PDF_PRERENDER`` is off. Commands that change filings ``wait()`` at the end.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction

from projects.models import Department, Filing
from projects.selectors import department_filings
from projects.services import pdf as pdf_services

logger = logging.getLogger(__name__)

# One thread: departments are rendered one after the other, and each a piece at a time on one render
# process (``pdf_services.prerender``), so an export arriving meanwhile has the other process to itself.
_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-prerender")
_pending: set[tuple[int, int]] = set()
_lock = threading.Lock()


def prerender_after_commit(*, filings: Iterable[Filing], previously: Iterable[tuple[int, int]] = ()) -> None:
    """Once the current transaction commits, renders the PDFs of these filings' departments.

    ``previously`` holds the ``exported_under`` pairs of the filings before the change: a filing
    moved to another department or year leaves its old department's batch to redo as well.
    """
    if not settings.PDF_PRERENDER:
        return
    departments = {pair for filing in filings for pair in exported_under(filing)} | set(previously)
    if departments:
        transaction.on_commit(lambda: _schedule(departments))


def exported_under(filing: Filing) -> set[tuple[int, int]]:
    """The (department id, year) pairs whose exports hold the filing: its unit's, its unit's parent's and,
    for a 二级 form, its 一级预算单位's (``selectors.department_filings``)."""
    year = filing.fiscal_year
    units = {filing.department_id, filing.department.parent_id if filing.department_id else None}
    header = filing.header
    units.add(getattr(header, "top_unit_id", None))
    return {(unit, year) for unit in units if unit is not None}


def wait() -> None:
    """Returns once everything queued so far is rendered: a command calls it before it exits, since
    the render pool takes no work once the interpreter shuts down."""
    _thread.submit(lambda: None).result()


def _schedule(departments: set[tuple[int, int]]) -> None:
    """Queues (department id, year) pairs; a pair already waiting is not queued twice."""
    with _lock:
        new = departments - _pending
        _pending.update(new)
    if new:
        _thread.submit(_run_pending)


def _run_pending() -> None:
    with _lock:
        departments = sorted(_pending)
        _pending.clear()
    try:
        for department_id, year in departments:
            try:
                prerender_department(department_id=department_id, year=year)
            except RuntimeError as error:
                # The render pool refuses work once the server stops or reloads; an export renders the rest.
                logger.warning("停止预先生成 PDF：%s", error)
                return
            except Exception:
                # The export renders whatever is missing, so a failure here costs time, not a PDF.
                logger.exception("预先生成 PDF 失败：预算单位 %s，%s 年", department_id, year)
    finally:
        # The thread is idle most of the time: it holds no database connection while it waits.
        connections.close_all()


def prerender_department(*, department_id: int, year: int) -> None:
    """Renders into the cache whatever of the department's exports of that year is not there yet."""
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        return
    filings = list(department_filings(department, year=year))
    pdf_services.prerender(filings=filings, reviews=pdf_services.printed_reviews(filings))
