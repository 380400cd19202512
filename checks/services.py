"""Checking filings: live findings for one project, and the stored summary lists sort by.

- ``findings_for(filing)``: the findings now, computed from the stored filing.
- ``filing_check_refresh(filings=...)``: recomputes and stores ``FilingCheck`` rows; call it
  after anything that changes filings or their rows (imports, web edits).
- ``finding_counts(filings)``: ``{filing_id: (errors, warnings)}`` from the stored rows.
- ``check_filing(filing, template=...)``: the findings on plain data, before anything is saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from checks.counts import rule_counts_store
from checks.engine import run_rules
from checks.filing import Filing, Mismatch
from checks.findings import ERROR, WARNING, Finding
from checks.models import FilingCheck, RuleSetting
from checks.sources import filing_from_stored
from indicators.models import FormTemplate, Indicator
from projects.kinds import header_relations
from projects.models import Filing as StoredFiling
from projects.services.reconciliation import reconciliations_for

__all__ = [
    "ERROR",
    "WARNING",
    "Finding",
    "blocking_findings",
    "check_filing",
    "filing_check_refresh",
    "finding_counts",
    "findings_for",
]


def _settings(template_ids: Iterable[int]) -> dict[int, dict[str, RuleSetting]]:
    by_template: dict[int, dict[str, RuleSetting]] = defaultdict(dict)
    for setting in RuleSetting.objects.filter(template_id__in=set(template_ids)):
        by_template[setting.template_id][setting.rule_id] = setting
    return by_template


def check_filing(filing: Filing, *, template: FormTemplate | None = None) -> list[Finding]:
    """Findings on a filing that need not be saved, under the template's rule settings."""
    settings = _settings([template.pk])[template.pk] if template is not None else {}
    return run_rules(filing, settings=settings)


def findings_for(filing: StoredFiling) -> list[Finding]:
    """The findings on the filing as it is stored now, errors first."""
    stored = _with_contents(StoredFiling.objects.filter(pk=filing.pk)).get()
    mismatches = _mismatches([stored]).get(stored.pk, ())
    plain = filing_from_stored(stored, indicators=stored.indicators.all(), mismatches=mismatches)
    return run_rules(plain, settings=_settings([stored.template_id])[stored.template_id])


def blocking_findings(filing: StoredFiling) -> list[Finding]:
    """The errors that keep the filing from being submitted (送审)."""
    return [finding for finding in findings_for(filing) if finding.is_error]


def _mismatches(filings: Iterable[StoredFiling]) -> dict[int, tuple[Mismatch, ...]]:
    """For each 部门整体 filing, where its tasks differ from the unit's projects (rule 16)."""
    overalls = {(f.department_id, f.fiscal_year): f.pk for f in filings if f.kind == "overall"}
    return {
        overalls[key]: tuple(Mismatch(d.subject, d.message) for d in reconciliation.differences)
        for key, reconciliation in reconciliations_for(overalls).items()
    }


def _with_contents(filings: QuerySet[StoredFiling]) -> QuerySet[StoredFiling]:
    """What the rules read, in a fixed number of queries: unit, template, header, rows and tasks."""
    return filings.select_related("department", "template", *header_relations()).prefetch_related(
        _indicators(), "tasks"
    )


def filing_check_refresh(*, filings: Iterable[StoredFiling] | QuerySet[StoredFiling]) -> list[FilingCheck]:
    """Checks the filings again and stores each one's findings and counts, and the report's totals
    of their units and years (``checks.counts``)."""
    if isinstance(filings, QuerySet):
        queryset = filings
    else:
        queryset = StoredFiling.objects.filter(pk__in=[filing.pk for filing in filings])
    stored = list(_with_contents(queryset))
    templates = {t.pk: t.spec() for t in FormTemplate.objects.filter(pk__in={f.template_id for f in stored})}
    settings = _settings(templates)
    mismatches = _mismatches(stored)
    now = timezone.now()
    checks = []
    for filing in stored:
        plain = filing_from_stored(
            filing,
            indicators=filing.indicators.all(),
            template=templates[filing.template_id],
            mismatches=mismatches.get(filing.pk, ()),
        )
        findings = run_rules(plain, settings=settings[filing.template_id])
        errors = sum(1 for finding in findings if finding.is_error)
        checks.append(
            FilingCheck(
                filing=filing,
                errors=errors,
                warnings=len(findings) - errors,
                findings=[finding.as_dict() for finding in findings],
                checked_at=now,
            )
        )
    with transaction.atomic():
        FilingCheck.objects.bulk_create(
            checks,
            update_conflicts=True,
            unique_fields=["filing"],
            update_fields=["errors", "warnings", "findings", "checked_at"],
            batch_size=200,
        )
        rule_counts_store(filings=stored, findings={check.filing_id: check.findings for check in checks})
    return checks


def finding_counts(filings: Iterable[StoredFiling] | QuerySet[StoredFiling]) -> dict[int, tuple[int, int]]:
    """``{filing_id: (errors, warnings)}`` as last stored; filings never checked are left out."""
    ids = filings.values("pk") if isinstance(filings, QuerySet) else [filing.pk for filing in filings]
    return {
        filing_id: (errors, warnings)
        for filing_id, errors, warnings in FilingCheck.objects.filter(filing__in=ids).values_list(
            "filing_id", "errors", "warnings"
        )
    }


def _indicators() -> Prefetch[str, QuerySet[Indicator], str]:
    return Prefetch("indicators", queryset=Indicator.objects.select_related("category__parent"))
