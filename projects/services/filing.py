"""Creating and saving a filing of any kind from the browser: its header fields, its indicator rows
and, where the kind has them, its other tables.

Saves are guarded by ``Filing.version``: the form carries the version it was opened on, and a save
against an older version is refused, so two people editing at once never overwrite each other. The
header, the rows and the tasks of one save share one history timestamp, which lets the filing's
page show a save as one entry.

The header holds the kind's fields as the filing's layout has them (the fields a layout adds are
``extra_1``, ``extra_2``…, kept in ``Filing.extra_fields`` under their labels) and, under
``OTHER_FIELDS``, the texts of the labels no layout knows that the filing already keeps (an import
found them): those are changed in place, never added or dropped by a save.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from indicators.models import FormTemplate, Level2Category
from projects import selectors
from projects.kinds.base import LONG_TEXT, FormKind, length_problem
from projects.kinds.layouts import other_labels
from projects.models import Filing, Status
from projects.services.changes import filings_changed
from projects.services.prerender import exported_under
from projects.services.review import TransitionError, filing_reopen, filing_submit
from projects.services.rows import RowInput, save_rows
from projects.services.snapshots import ROW_ORDER
from projects.services.tasks import TaskInput, save_tasks, totals_or_sums
from projects.services.writing import (
    FilingError,
    StaleFilingError,
    assign_header,
    claim_version,
    new_header,
    save_filing,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "OTHER_FIELDS",
    "FilingError",
    "RowInput",
    "StaleFilingError",
    "TaskInput",
    "filing_create",
    "filing_save_and_submit",
    "filing_update",
]


# The key of the header mapping that holds {label: text} of the labels no layout knows.
OTHER_FIELDS = "other_fields"


def _unit_label(kind: FormKind) -> str:
    return kind.field("department").label


def _assign_other_fields(kind: FormKind, filing: Filing, header: Mapping[str, Any]) -> None:
    """Sets the texts of the labels no layout knows that the filing keeps; other labels are ignored."""
    others: Mapping[str, Any] = header.get(OTHER_FIELDS) or {}
    kept = set(other_labels(kind, filing.extra_fields))
    fields = dict(filing.extra_fields)
    for label, text in others.items():
        if label not in kept:
            continue
        text = str(text or "").strip()
        if problem := length_problem(text, LONG_TEXT, label):
            raise FilingError(problem)
        fields[label] = text
    filing.extra_fields = fields


def filing_create(
    *,
    user: User,
    kind: FormKind,
    header: Mapping[str, Any],
    rows: list[RowInput],
    tasks: list[TaskInput] | None = None,
    template: FormTemplate | None = None,
) -> Filing:
    """A new draft. Only the identity fields are required: a draft may be saved incomplete."""
    if header.get("department") is None:
        raise FilingError(f"请选择{_unit_label(kind)}")
    if not selectors.may_file_for(user, header.get("department")):
        raise FilingError(f"您不是所选{_unit_label(kind)}的填报人，不能为其新建{kind.short_name}申报表")
    filing = Filing(kind=kind.code, template=template or FormTemplate.default(kind.code), status=Status.DRAFT)
    head = new_header(filing)
    assign_header(kind, filing, head, {**header, **totals_or_sums(kind, header, tasks or [])})
    _assign_other_fields(kind, filing, header)
    when = timezone.now()
    with transaction.atomic():
        save_filing(filing, head, user=user, when=when)
        save_rows(filing=filing, rows=rows, user=user, when=when)
        if kind.tasks is not None:
            save_tasks(filing=filing, tasks=tasks or [], user=user, when=when)
        filings_changed(filings=[filing])
    return filing


def filing_update(
    *,
    filing: Filing,
    user: User,
    header: Mapping[str, Any],
    rows: list[RowInput],
    version: int,
    tasks: list[TaskInput] | None = None,
) -> Filing:
    """Saves the header and replaces the rows (and tasks), if nobody saved since ``version`` was read.

    Saving a returned filing takes it back to 草稿 (a recorded transition).
    """
    kind = filing.form_kind
    if not selectors.can_file_for(user, filing):
        raise FilingError(f"您不是该申报表{_unit_label(kind)}的填报人，不能修改")
    if not filing.is_editable:
        raise FilingError(f"申报表当前状态为“{filing.get_status_display()}”，不能修改")
    department = header.get("department")
    if (
        department is not None
        and department.pk != filing.department_id
        and not selectors.may_file_for(user, department)
    ):
        raise FilingError(f"您不是所选{_unit_label(kind)}的填报人")
    when = timezone.now()
    with transaction.atomic():
        # The check and the bump are one statement, so of two concurrent saves exactly one wins.
        claim_version(filing=filing, version=version)
        was_under = exported_under(filing)
        head = filing.header or new_header(filing)
        if tasks is not None:
            header = {**header, **totals_or_sums(kind, header, tasks)}
        assign_header(kind, filing, head, header)
        _assign_other_fields(kind, filing, header)
        save_filing(filing, head, user=user, when=when)
        save_rows(filing=filing, rows=rows, user=user, when=when)
        if kind.tasks is not None and tasks is not None:
            save_tasks(filing=filing, tasks=tasks, user=user, when=when)
        filings_changed(filings=[filing], previously=was_under)
        if filing.status == Status.RETURNED:
            filing_reopen(filing=filing, user=user)
    return filing


def filing_save_and_submit(
    *,
    user: User,
    kind: FormKind,
    header: Mapping[str, Any],
    rows: list[RowInput],
    tasks: list[TaskInput] | None = None,
    filing: Filing | None = None,
    version: int | None = None,
    template: FormTemplate | None = None,
) -> Filing:
    """保存并送审 as one step: saves the page (a new filing when ``filing`` is None) and submits it.

    When the submission is refused nothing is saved: no new version, no entry in the history, and a
    returned filing stays returned. The TransitionError lists the problems of the page as it would
    have been saved; a problem about a row names it by its index in ``rows`` (``Problem.row``), since
    the row ids of the refused save are gone.
    """
    # Raising out of the block rolls the save back.
    with transaction.atomic():
        if filing is None:
            saved = filing_create(user=user, kind=kind, header=header, rows=rows, tasks=tasks, template=template)
        else:
            saved = filing_update(filing=filing, user=user, header=header, rows=rows, tasks=tasks, version=version or 0)
        try:
            return filing_submit(filing=saved, user=user)
        except TransitionError as error:
            sent = _sent_rows(saved, rows)
            problems = [
                replace(problem, indicator_id=None, row=sent.get(problem.indicator_id))
                if problem.indicator_id is not None
                else problem
                for problem in error.problems
            ]
            raise TransitionError(error.message, problems) from error


def _sent_rows(filing: Filing, rows: list[RowInput]) -> dict[int, int]:
    """Which of ``rows`` each stored row of ``filing`` was saved from: ``save_rows`` keeps the rows
    that are not blank, ordered by 一级 and 二级 category and, within one, as given."""
    order = {
        category.pk: (category.parent.order, category.order)
        for category in Level2Category.objects.filter(parent__template=filing.template_id).select_related("parent")
    }
    sent = sorted(
        (index for index, row in enumerate(rows) if not row.is_empty()),
        key=lambda index: order.get(rows[index].category_id, (0, 0)),
    )
    stored = filing.indicators.order_by(*ROW_ORDER)
    return dict(zip(stored.values_list("pk", flat=True), sent, strict=False))
