"""Checking filings: live findings for one project, and the stored summary lists sort by.

- ``findings_for(project)``: the findings now, computed from the stored project.
- ``filing_check_refresh(projects=...)``: recomputes and stores ``FilingCheck`` rows; call it
  after anything that changes projects or their indicators (imports, web edits).
- ``finding_counts(projects)``: ``{project_id: (errors, warnings)}`` from the stored rows.
- ``check_filing(filing, template=...)``: the findings on plain data, before anything is saved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from checks.engine import run_rules
from checks.filing import Filing
from checks.findings import ERROR, WARNING, Finding
from checks.models import FilingCheck, RuleSetting
from checks.sources import filing_from_project
from indicators.models import FormTemplate, Indicator
from projects.models import Project

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


def findings_for(project: Project) -> list[Finding]:
    """The findings on the project as it is stored now, errors first."""
    project = Project.objects.select_related("applicant", "template").prefetch_related(_indicators()).get(pk=project.pk)
    filing = filing_from_project(project, indicators=project.indicators.all())
    return run_rules(filing, settings=_settings([project.template_id])[project.template_id])


def blocking_findings(project: Project) -> list[Finding]:
    """The errors that keep the project from being submitted (送审)."""
    return [finding for finding in findings_for(project) if finding.is_error]


def filing_check_refresh(*, projects: Iterable[Project] | QuerySet[Project]) -> list[FilingCheck]:
    """Checks the projects again and stores each one's findings and counts."""
    if isinstance(projects, QuerySet):
        queryset = projects
    else:
        queryset = Project.objects.filter(pk__in=[project.pk for project in projects])
    queryset = queryset.select_related("applicant").prefetch_related(_indicators())
    projects = list(queryset)
    templates = {t.pk: t.spec() for t in FormTemplate.objects.filter(pk__in={p.template_id for p in projects})}
    settings = _settings(templates)
    now = timezone.now()
    checks = []
    for project in projects:
        filing = filing_from_project(
            project, indicators=project.indicators.all(), template=templates[project.template_id]
        )
        findings = run_rules(filing, settings=settings[project.template_id])
        errors = sum(1 for finding in findings if finding.is_error)
        checks.append(
            FilingCheck(
                project=project,
                errors=errors,
                warnings=len(findings) - errors,
                findings=[finding.as_dict() for finding in findings],
                checked_at=now,
            )
        )
    FilingCheck.objects.bulk_create(
        checks,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["errors", "warnings", "findings", "checked_at"],
        batch_size=200,
    )
    return checks


def finding_counts(projects: Iterable[Project] | QuerySet[Project]) -> dict[int, tuple[int, int]]:
    """``{project_id: (errors, warnings)}`` as last stored; projects never checked are left out."""
    ids = projects.values("pk") if isinstance(projects, QuerySet) else [project.pk for project in projects]
    return {
        project_id: (errors, warnings)
        for project_id, errors, warnings in FilingCheck.objects.filter(project__in=ids).values_list(
            "project_id", "errors", "warnings"
        )
    }


def _indicators() -> Prefetch[str, QuerySet[Indicator], str]:
    return Prefetch("indicators", queryset=Indicator.objects.select_related("category__parent"))
