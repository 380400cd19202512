"""Rules 15 and 16: the 部门整体 form's 合计 is the sum of its 年度主要任务, and each task agrees
with the projects the unit filed for it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checks.filing import Filing
from checks.findings import Note, error, warning

_COLUMNS = {"total_amount": "总额", "fiscal_amount": "其中财政拨款", "other_amount": "其中其他资金"}


def task_totals(filing: Filing) -> Iterator[Note]:
    """Rule 15: each 合计 column equals the sum of the tasks' amounts in that column."""
    for name, label in _COLUMNS.items():
        printed = filing.task_totals.get(name)
        amounts = [getattr(task, name) for task in filing.tasks if getattr(task, name) is not None]
        if printed is None or not amounts:
            continue
        summed = sum(amounts, Decimal(0))
        if summed != printed:
            yield error(
                f"合计（{label}）{filing.money(printed)}与各项任务之和{filing.money(summed)}不符："
                "请核对各项任务的金额和合计。",
                field=name,
                subject=f"年度主要任务 · 合计（{label}）",
            )


def tasks_match_projects(filing: Filing) -> Iterator[Note]:
    """Rule 16: a task's amount agrees with its projects', at the precision the form printed."""
    for mismatch in filing.mismatches:
        yield warning(
            f"{mismatch.message}：请核对金额，或在单位年度页调整任务与项目的对应。",
            subject=mismatch.subject,
        )
