"""Import of filings: parse every source first, then store all of them in one transaction.

``store_filings`` is format-neutral: any parser that yields ``ParsedFiling`` objects feeds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import FormTemplate, Indicator, Level2Category
from indicators.values import value_parts
from projects.models import AmountUnit, Department, Project, Status, district_of, in_yuan, normalise_unit_name
from projects.parsers.filing import FilingParseError, ParsedFiling
from projects.parsers.text import infer_fiscal_year, parse_filings
from projects.services.changes import filings_changed
from projects.services.filing import delete_rows_with_history
from projects.services.prerender import exported_under

# Fields the import overwrites on a project that already exists.
HEADER_FIELDS = [
    "name",
    "applicant",
    "top_unit",
    "duration_years",
    "project_type",
    "is_new",
    "allocation",
    "total_amount",
    "current_amount",
    "amount_unit",
    "policy_basis_label",
    "policy_basis",
    "calculation_basis",
    "annual_goal",
    "long_term_goal",
    "source_file",
    "source_line",
]
EDITABLE_STATUSES = {Status.DRAFT, Status.RETURNED}


class FilingImportError(Exception):
    """Bad input: the message names the file and line; nothing has been written."""


@dataclass
class SourceFile:
    name: str
    text: str


@dataclass
class ImportResult:
    created: list[Project] = field(default_factory=list)
    updated: list[Project] = field(default_factory=list)
    years: dict[str, tuple[int, str]] = field(default_factory=dict)  # file → (year, how it was chosen)


def read_source(path: Path) -> SourceFile:
    try:
        return SourceFile(path.name, path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise FilingImportError(f"{path}: 无法读取文件（{error}）") from error


def _choose_year(filings: list[ParsedFiling], year: int | None) -> tuple[int, str]:
    if year:
        return year, "指定"
    inferred = infer_fiscal_year(filings)
    if inferred:
        return inferred, "由申报表推断"
    return timezone.localdate().year, "默认为当前年度"


def _departments(filings: list[ParsedFiling]) -> dict[str, Department]:
    """Every unit the filings name, created on first sight, keyed by normalised name."""
    parents: dict[str, str] = {}
    names: dict[str, str] = {}
    for filing in filings:
        applicant, top = normalise_unit_name(filing.applicant), normalise_unit_name(_top_unit(filing))
        names.setdefault(applicant, filing.applicant)
        names.setdefault(top, _top_unit(filing))
        if applicant != top:
            parents[applicant] = top
    existing = {d.normalised_name: d for d in Department.objects.filter(normalised_name__in=names)}
    new = [
        Department(name=names[key], normalised_name=key, district=district_of(names[key]))
        for key in names
        if key not in existing
    ]
    existing.update({d.normalised_name: d for d in Department.objects.bulk_create(new)})
    orphans = []
    for child, parent in parents.items():
        if existing[child].parent_id is None:
            existing[child].parent = existing[parent]
            orphans.append(existing[child])
    Department.objects.bulk_update(orphans, ["parent"])
    return existing


def _top_unit(filing: ParsedFiling) -> str:
    # A unit that is its own 一级预算单位 sometimes leaves that cell blank.
    return filing.top_unit or filing.applicant


def _project_fields(filing: ParsedFiling, departments: dict[str, Department], source: str) -> dict[str, Any]:
    unit = filing.amount_unit or AmountUnit.YUAN
    return {
        "name": filing.name,
        "applicant": departments[normalise_unit_name(filing.applicant)],
        "top_unit": departments[normalise_unit_name(_top_unit(filing))],
        "duration_years": filing.duration_years,
        "project_type": filing.project_type,
        "is_new": filing.is_new,
        "allocation": filing.allocation,
        "total_amount": in_yuan(filing.total_amount, unit),
        "current_amount": in_yuan(filing.current_amount, unit),
        "amount_unit": unit,
        "policy_basis_label": filing.policy_basis_label,
        "policy_basis": _policy_basis(filing),
        "calculation_basis": filing.calculation_basis,
        "annual_goal": filing.annual_goal,
        "long_term_goal": filing.long_term_goal,
        "source_file": source,
        "source_line": filing.line,
    }


def _policy_basis(filing: ParsedFiling) -> str:
    # A few forms print a second basis (项目申报依据 beside 政策依据); keep it, under its label.
    extra = [f"{label}：{text}" for label, text in filing.other_bases.items() if text]
    return "\n\n".join([filing.policy_basis, *extra]) if extra else filing.policy_basis


def _indicators(
    project: Project, filing: ParsedFiling, categories: dict[tuple[str, str], Level2Category]
) -> list[Indicator]:
    rows = []
    for position, row in enumerate(filing.indicators, start=1):
        rows.append(
            Indicator(
                project=project,
                category=categories[(row.level1, row.level2)],
                position=position,
                name=row.name,
                value=row.value,
                explanation=row.explanation,
                not_applicable=row.not_applicable,
                source_line=row.line,
                **value_parts(row.value, not_applicable=row.not_applicable),
            )
        )
    return rows


def _categories(template: FormTemplate) -> dict[tuple[str, str], Level2Category]:
    return {
        (c.parent.name, c.name): c
        for c in Level2Category.objects.select_related("parent").filter(parent__template=template)
    }


def unsaved_filings(
    *, filings: dict[tuple[int, str], ParsedFiling], template: FormTemplate
) -> dict[tuple[int, str], tuple[Project, list[Indicator]]]:
    """Each (year, 项目编码)'s filing as the project and rows storing it would write, unsaved.

    What an import preview compares with the stored project; units are the stored ones where the
    name matches, so a preview shows the names the import would link to.
    """
    categories = _categories(template)
    names: dict[str, str] = {}
    for filing in filings.values():
        for name in (filing.applicant, _top_unit(filing)):
            names.setdefault(normalise_unit_name(name), name)
    departments = {d.normalised_name: d for d in Department.objects.filter(normalised_name__in=names)}
    departments.update({key: Department(name=name) for key, name in names.items() if key not in departments})
    unsaved = {}
    for (year, code), filing in filings.items():
        project = Project(template=template, fiscal_year=year, code=code, **_project_fields(filing, departments, ""))
        unsaved[(year, code)] = (project, _indicators(project, filing, categories))
    return unsaved


def parse_sources(sources: list[SourceFile], template: FormTemplate) -> dict[str, list[ParsedFiling]]:
    """Parses every file before anything is written, so one bad file stops the whole import."""
    vocabulary = template.vocabulary()
    parsed = {}
    for source in sources:
        try:
            parsed[source.name] = parse_filings(source.text, vocabulary=vocabulary)
        except FilingParseError as error:
            raise FilingImportError(f"{source.name}: {error}") from error
    return parsed


def import_filings(*, sources: list[SourceFile], year: int | None = None, user: User | None = None) -> ImportResult:
    """Reads filings in the published text layout and stores them (see ``store_filings``)."""
    return store_filings(parsed=parse_sources(sources, FormTemplate.default()), year=year, user=user)


def store_filings(
    *, parsed: dict[str, list[ParsedFiling]], year: int | None = None, user: User | None = None
) -> ImportResult:
    """Creates or updates one project per filing; an update replaces the project's indicators.

    ``parsed`` maps each source's name to its filings. Projects are keyed by (year, 项目编码), so a
    re-import updates instead of duplicating. Either everything is stored or, on the first
    problem, nothing is.
    """
    template = FormTemplate.default()
    result = ImportResult()
    incoming: dict[tuple[int, str], tuple[str, ParsedFiling]] = {}
    for name, filings in parsed.items():
        file_year, how = _choose_year(filings, year)
        result.years[name] = (file_year, how)
        for filing in filings:
            if not filing.applicant.strip():
                raise FilingImportError(f"{name}: 第{filing.line}行的申报表缺少申请单位")
            incoming[(file_year, filing.code)] = (name, filing)
    categories = _categories(template)
    # One time for every record the import writes, so that a project's history shows it as one change.
    when = timezone.now()
    with transaction.atomic():
        departments = _departments([filing for _, filing in incoming.values()])
        existing = _existing_projects(incoming)
        moved_from: set[tuple[int, int]] = set()
        for key, (name, filing) in incoming.items():
            fields = _project_fields(filing, departments, name)
            project = existing.get(key)
            if project is None:
                result.created.append(Project(template=template, fiscal_year=key[0], code=key[1], **fields))
            else:
                moved_from |= exported_under(project)
                for attribute, value in fields.items():
                    setattr(project, attribute, value)
                project.version += 1  # an open filing page must not save over the import
                result.updated.append(project)
        bulk_create_with_history(result.created, Project, default_user=user, default_date=when)
        if result.updated:
            bulk_update_with_history(
                result.updated, Project, [*HEADER_FIELDS, "version"], default_user=user, default_date=when
            )
            delete_rows_with_history(list(Indicator.objects.filter(project__in=result.updated)), user=user, when=when)
        rows = []
        for project in result.created + result.updated:
            rows += _indicators(project, incoming[(project.fiscal_year, project.code)][1], categories)
        bulk_create_with_history(rows, Indicator, default_user=user, default_date=when)
        filings_changed(projects=result.created + result.updated, previously=moved_from)
    return result


def _existing_projects(incoming: dict[tuple[int, str], tuple[str, ParsedFiling]]) -> dict[tuple[int, str], Project]:
    years = {year for year, _ in incoming}
    codes = {code for _, code in incoming}
    found = {
        (p.fiscal_year, p.code): p
        for p in Project.objects.filter(fiscal_year__in=years, code__in=codes)
        if (p.fiscal_year, p.code) in incoming
    }
    locked = [p for p in found.values() if p.status not in EDITABLE_STATUSES]
    if locked:
        listed = "、".join(f"{p.code}（{p.get_status_display()}）" for p in locked[:5])
        raise FilingImportError(f"以下项目已送审或审核通过，不能被导入覆盖：{listed}")
    return found
