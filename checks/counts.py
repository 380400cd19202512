"""The counts the check report adds up, kept beside each stored check.

``RuleCount``: a row per filing and rule with findings, and a row per filing (no rule) with its totals.
``CheckTotal``: those rows added up per unit and year, recomputed whenever a filing of the unit and year
is checked again or deleted, so that the report reads a few rows per unit instead of every finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from checks.models import CheckTotal, RuleCount
from projects.models import Department, Filing

Key = tuple[int, int]  # (department_id, fiscal_year)


def counts_by_rule(findings: Iterable[Mapping[str, Any]]) -> dict[str, tuple[int, int]]:
    """``{rule_id: (errors, warnings)}`` of stored findings (``Finding.as_dict()``), and under ``""``
    the totals of all of them."""
    counts: dict[str, list[int]] = {"": [0, 0]}
    for finding in findings:
        column = 0 if finding["severity"] == "error" else 1
        counts.setdefault(finding["rule_id"], [0, 0])[column] += 1
        counts[""][column] += 1
    return {rule_id: (errors, warnings) for rule_id, (errors, warnings) in counts.items()}


def rule_count_rows(
    *, filing_id: int, department_id: int, fiscal_year: int, findings: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The ``RuleCount`` rows of a filing's stored findings, as field values."""
    counts = counts_by_rule(findings)
    with_errors = counts[""][0] > 0
    return [
        {
            "filing_id": filing_id,
            "department_id": department_id,
            "fiscal_year": fiscal_year,
            "rule_id": rule_id,
            "with_errors": with_errors,
            "errors": errors,
            "warnings": warnings,
        }
        for rule_id, (errors, warnings) in counts.items()
    ]


def rule_counts_store(*, filings: Iterable[Filing], findings: Mapping[int, list[dict[str, Any]]]) -> None:
    """Replaces the filings' counts with those of ``findings`` (``{filing_id: stored findings}``) and
    recomputes the totals of their units and years, and of those they were counted under before."""
    filings = list(filings)
    ids = [filing.pk for filing in filings]
    with transaction.atomic():
        before = set(RuleCount.objects.filter(filing_id__in=ids).values_list("department_id", "fiscal_year").distinct())
        keys = before | {(filing.department_id, filing.fiscal_year) for filing in filings}
        _lock(keys)
        RuleCount.objects.filter(filing_id__in=ids).delete()
        rows = [
            RuleCount(**row)
            for filing in filings
            for row in rule_count_rows(
                filing_id=filing.pk,
                department_id=filing.department_id,
                fiscal_year=filing.fiscal_year,
                findings=findings[filing.pk],
            )
        ]
        RuleCount.objects.bulk_create(rows, batch_size=1000)
        _recompute(keys)


def check_totals_refresh(*, keys: Iterable[Key] | None = None) -> None:
    """Recomputes the totals of the units and years ``keys`` (of every one when None) from the counts."""
    with transaction.atomic():
        if keys is None:
            CheckTotal.objects.all().delete()
            _write(RuleCount.objects.all(), keys=None)
            return
        keys = set(keys)
        _lock(keys)
        _recompute(keys)


def _lock(keys: set[Key]) -> None:
    """Locks the units' rows until the transaction ends, so that two checks of one unit's filings
    recompute its totals one after the other, the second seeing what the first wrote (a no-op on
    SQLite, which writes one transaction at a time anyway)."""
    units = sorted({department for department, _ in keys})
    list(Department.objects.select_for_update(no_key=True).filter(pk__in=units).order_by("pk").values_list("pk"))


def _recompute(keys: set[Key]) -> None:
    if not keys:
        return
    units = {department for department, _ in keys}
    years = {year for _, year in keys}
    stale = CheckTotal.objects.filter(department_id__in=units, fiscal_year__in=years)
    stale.filter(_matching(keys)).delete()
    _write(RuleCount.objects.filter(department_id__in=units, fiscal_year__in=years), keys=keys)


def _matching(keys: set[Key]) -> Q:
    match = Q(pk__in=[])
    for department, year in keys:
        match |= Q(department_id=department, fiscal_year=year)
    return match


def _write(counts, *, keys: set[Key] | None) -> None:
    grouped = (
        counts.order_by()
        .values("department_id", "fiscal_year", "rule_id", "with_errors")
        .annotate(
            n=Count("pk"),
            found=Count("pk", filter=Q(errors__gt=0) | Q(warnings__gt=0)),
            error_sum=Sum("errors"),
            warning_sum=Sum("warnings"),
        )
    )
    totals = (
        CheckTotal(
            department_id=row["department_id"],
            fiscal_year=row["fiscal_year"],
            rule_id=row["rule_id"],
            with_errors=row["with_errors"],
            filings=row["n"],
            with_findings=row["found"],
            errors=row["error_sum"],
            warnings=row["warning_sum"],
        )
        for row in grouped.iterator(chunk_size=5000)
        if keys is None or (row["department_id"], row["fiscal_year"]) in keys
    )
    CheckTotal.objects.bulk_create(totals, batch_size=2000)


def filing_deleted(sender: type[Filing], instance: Filing, **kwargs: Any) -> None:
    """A deleted filing's counts went with it (the database deletes them first): its unit's year is
    added up again."""
    check_totals_refresh(keys=[(instance.department_id, instance.fiscal_year)])
