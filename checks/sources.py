"""Builds the rules' plain ``Filing`` from a stored filing or from a parsed, unsaved one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from checks.filing import Filing, Mismatch, Row, Task, read_weight
from indicators.models import Indicator
from indicators.taxonomy import TemplateSpec
from indicators.values import combined_target
from projects.kinds import kind_named
from projects.kinds.base import FormKind
from projects.kinds.layouts import kind_in_layout
from projects.models import Filing as StoredFiling
from projects.models import district_of, in_yuan
from projects.parsers.filing import ParsedFiling, ParsedIndicator

# The header fields the rules read, beyond the filing's own (code, name, unit, year, amount unit).
RULE_FIELDS = (
    "duration_years",
    "project_type",
    "total_amount",
    "current_amount",
    "annual_goal",
    "long_term_goal",
    "calculation_basis",
)


def _labels(kind: FormKind) -> dict[str, str]:
    return {field.name: field.plain_label for field in kind.header}


def _rule_fields(kind: FormKind, value: Any) -> dict[str, Any]:
    """The values of the header fields the rules read that the kind has; blank for the others."""
    fields: dict[str, Any] = {}
    for name in RULE_FIELDS:
        if kind.has_field(name):
            found = value(name)
            fields[name] = found if found is not None or name.endswith(("amount", "years")) else ""
    return fields


def filing_from_stored(
    filing: StoredFiling,
    *,
    indicators: Iterable[Indicator] | None = None,
    template: TemplateSpec | None = None,
    mismatches: Iterable[Mismatch] = (),
) -> Filing:
    """``indicators`` and ``template`` may be passed in when they were fetched in bulk; ``mismatches``
    are the 部门整体 form's differences from the unit's projects (``checks.services``)."""
    if indicators is None:
        indicators = filing.indicators.select_related("category__parent")
    ordered = sorted(indicators, key=lambda i: (i.category.parent.order, i.category.order, i.position))
    rows = tuple(
        Row(
            level1=indicator.category.parent.name,
            level2=indicator.category.name,
            name=indicator.name,
            value=indicator.target,
            explanation=indicator.explanation,
            not_applicable=indicator.not_applicable,
            position=number,
            indicator_id=indicator.pk,
            weight=indicator.weight,
            weight_text="" if indicator.weight is None else str(indicator.weight),
            nature=indicator.nature,
            measure=indicator.measure,
        )
        for number, indicator in enumerate(ordered, start=1)
    )
    kind = filing.form_kind
    tasks: tuple[Task, ...] = ()
    totals: dict[str, Decimal | None] = {}
    if kind.tasks is not None:
        tasks = tuple(
            Task(task.name, task.total_amount, task.fiscal_amount, task.other_amount, task.position)
            for task in filing.tasks.all()
        )
        totals = {name: filing.value(name) for name in kind.tasks.totals}
    return Filing(
        kind=kind.code,
        code=filing.code,
        name=filing.name,
        department=filing.department.name,
        district=filing.department.district,
        fiscal_year=filing.fiscal_year,
        amount_unit=filing.amount_unit,
        rows=rows,
        template=template or filing.template.spec(),
        tasks=tasks,
        task_totals=totals,
        labels=_labels(kind),
        mismatches=tuple(mismatches),
        **_rule_fields(kind, filing.value),
    )


def filing_from_parsed(parsed: ParsedFiling, *, template: TemplateSpec, fiscal_year: int | None = None) -> Filing:
    """A filing read from a file, checked before it is stored; its header labelled as ``template`` prints it."""
    kind = kind_in_layout(kind_named(parsed.kind), template)
    rows = tuple(_parsed_row(row, number) for number, row in enumerate(parsed.indicators, start=1))
    unit = parsed.amount_unit

    def value(name: str) -> Any:
        found = parsed.values.get(name)
        return in_yuan(found, unit) if kind.has_field(name) and kind.field(name).is_amount else found

    tasks = tuple(
        Task(task.name, in_yuan(task.total_amount, unit), in_yuan(task.fiscal_amount, unit),
             in_yuan(task.other_amount, unit), number)
        for number, task in enumerate(parsed.tasks, start=1)
    )  # fmt: skip
    totals: Mapping[str, Decimal | None] = {}
    if kind.tasks is not None:
        totals = {name: value(name) for name in kind.tasks.totals}
    department = str(parsed.values.get("department") or "")
    return Filing(
        kind=kind.code,
        code=str(parsed.values.get("code") or ""),
        name=str(parsed.values.get("name") or ""),
        department=department,
        district=district_of(department),
        fiscal_year=fiscal_year,
        amount_unit=unit,
        rows=rows,
        template=template,
        tasks=tasks,
        task_totals=totals,
        labels=_labels(kind),
        **_rule_fields(kind, value),
    )


def _parsed_row(row: ParsedIndicator, number: int) -> Row:
    extras = row.extras
    nature, measure, weight = extras.get("nature", ""), extras.get("measure", ""), extras.get("weight", "")
    return Row(
        level1=row.level1,
        level2=row.level2,
        name=row.name,
        value=combined_target(nature, row.value, measure),
        explanation=row.explanation,
        not_applicable=row.not_applicable,
        position=number,
        weight=read_weight(weight),
        weight_text=weight.strip(),
        nature=nature,
        measure=measure,
    )
