"""Stored filings written out as plain text, one field or row per line, to compare with a reviewed copy.

The copies in ``tests/golden/`` were checked by hand against the published forms in ``samples/``:
every header value, every task with its amounts and every indicator row, in the order printed.
Amounts are written as stored (元, exactly) so that a conversion slip shows as a changed line.
"""

from __future__ import annotations

from pathlib import Path

from projects.models import Filing

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "name"):
        return str(value.name)
    return " ".join(str(value).split())


def filing_lines(filing: Filing) -> list[str]:
    kind = filing.form_kind
    lines = [f"== {kind.short_name}：{filing.title}"]
    lines += [f"{field.label_for('元')}: {_text(filing.value(field.name))}" for field in kind.header]
    lines.append(f"金额单位: {filing.amount_unit}")
    for task in filing.tasks.order_by("position", "pk") if kind.tasks is not None else []:
        amounts = " | ".join(_text(getattr(task, name)) for name in ("total_amount", "fiscal_amount", "other_amount"))
        lines.append(f"任务: {task.name} | {_text(task.content)} | {amounts}")
    for row in filing.indicators.select_related("category__parent").order_by("position", "pk"):
        category = row.category
        parent = category.parent.name if category.parent else ""
        flag = " | 不适用" if row.not_applicable else ""
        lines.append(f"指标: {parent} | {category.name} | {_text(row.name)} | {_text(row.value)}{flag}")
    return lines


def filings_text(filings: list[Filing]) -> str:
    return "\n".join(line for filing in filings for line in [*filing_lines(filing), ""])
