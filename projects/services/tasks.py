"""Saving the 部门整体 form's 年度主要任务 as a person arranged them (see ``services.rows``).

The 合计 row is what the form printed; a person who leaves it blank gets the sum of the tasks, and
the filing checks report a 合计 that differs from the sum. Tasks are bounded as the kind's table says
(how many, how long each text, amounts that can be stored); more is refused, nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.kinds.base import FormKind, TaskTable, amount_problem, length_problem
from projects.kinds.overall import OverallTask
from projects.models import Filing
from projects.services.writing import FilingError, delete_with_history

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TASK_FIELDS = ["position", "name", "content", "total_amount", "fiscal_amount", "other_amount"]


@dataclass(frozen=True)
class TaskInput:
    """One task as entered, amounts in 元; ``id`` is set for a task that already exists."""

    name: str = ""
    content: str = ""
    total_amount: Decimal | None = None
    fiscal_amount: Decimal | None = None
    other_amount: Decimal | None = None
    id: int | None = None

    def is_empty(self) -> bool:
        amounts = (self.total_amount, self.fiscal_amount, self.other_amount)
        return not (self.name.strip() or self.content.strip() or any(a is not None for a in amounts))


class TaskAmounts(Protocol):
    """A task as any write path holds it (typed in, parsed, stored): its three amounts."""

    @property
    def total_amount(self) -> Decimal | None: ...
    @property
    def fiscal_amount(self) -> Decimal | None: ...
    @property
    def other_amount(self) -> Decimal | None: ...


def task_sums(tasks: Sequence[TaskAmounts]) -> dict[str, Decimal | None]:
    """The sum of each amount column; None for a column no task fills in."""
    sums: dict[str, Decimal | None] = {}
    for name in ("total_amount", "fiscal_amount", "other_amount"):
        amounts = [getattr(task, name) for task in tasks if getattr(task, name) is not None]
        sums[name] = sum(amounts, Decimal(0)) if amounts else None
    return sums


def totals_or_sums(kind: FormKind, totals: Mapping[str, Any], tasks: Sequence[TaskAmounts]) -> dict[str, Any]:
    """The 合计 as written, a column left blank being the sum of the tasks' amounts in it.

    Every write path (the page, the text and Excel imports) goes through this, so a 合计 nobody wrote
    is never empty while its tasks have amounts; a 合计 that was written is kept, and rule 15 reports
    it when it is not the sum.
    """
    if kind.tasks is None:
        return {}
    sums = task_sums(tasks)
    values = {
        total: totals.get(total) if totals.get(total) is not None else sums[column.name]
        for column, total in zip(kind.tasks.amount_columns, kind.tasks.totals, strict=True)
    }
    if kind.tasks.places:
        values[kind.tasks.places] = totals.get(kind.tasks.places)  # typed on the page: to the cent
    return values


def check_tasks(tasks: list[TaskInput], table: TaskTable) -> None:
    """Raises FilingError, naming the task and column, for tasks the kind's table cannot hold."""
    if len(tasks) > table.max_rows:
        raise FilingError(f"{table.title}最多 {table.max_rows} 项，本次保存有 {len(tasks)} 项")
    for number, task in enumerate(tasks, start=1):
        for column in table.columns:
            value = getattr(task, column.name, None)
            problem: str | None
            if column.amount and value is not None and value < 0:
                problem = f"{column.label}不能为负数"
            elif column.amount:
                problem = amount_problem(value, "元", column.label) if value is not None else None
            else:
                problem = length_problem((value or "").strip(), column.max_length, column.label)
            if problem:
                raise FilingError(f"{table.title}第 {number} 项：{problem}")


def save_tasks(*, filing: Filing, tasks: list[TaskInput], user: User | None, when: datetime) -> None:
    tasks = [task for task in tasks if not task.is_empty()]
    if filing.form_kind.tasks is not None:
        check_tasks(tasks, filing.form_kind.tasks)
    existing = {task.pk: task for task in filing.tasks.all()}
    created: list[OverallTask] = []
    updated: list[OverallTask] = []
    kept: set[int] = set()
    for position, task in enumerate(tasks, start=1):
        values = {
            "position": position,
            "name": task.name.strip(),
            "content": task.content.strip(),
            "total_amount": task.total_amount,
            "fiscal_amount": task.fiscal_amount,
            "other_amount": task.other_amount,
        }
        stored = existing.get(task.id) if task.id is not None else None
        if stored is None or stored.pk in kept:
            created.append(OverallTask(filing=filing, **values))
            continue
        kept.add(stored.pk)
        if any(getattr(stored, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            updated.append(stored)
    delete_with_history([task for task in existing.values() if task.pk not in kept], user=user, when=when)
    if updated:
        bulk_update_with_history(updated, OverallTask, TASK_FIELDS, default_user=user, default_date=when)
    if created:
        bulk_create_with_history(created, OverallTask, default_user=user, default_date=when)
