"""Import of workbooks in the official template: read every sheet, check who may file what, then
preview or store everything in one transaction.

Reading is ``projects.parsers.xlsx``; storing is ``store_filings``, shared with the text import.
This module adds what an upload by a person needs: the budget year of each sheet, the scope of a
填报人 (only their own departments, never another department's project), and a preview that
lists what would be created and changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from indicators.models import FormTemplate, Indicator
from projects.models import Project, Role, normalise_unit_name
from projects.parsers.filing import ParsedFiling
from projects.parsers.text import infer_fiscal_year
from projects.parsers.workbook_guard import WorkbookLimits
from projects.parsers.xlsx import ParsedSheet, WorkbookParseError, parse_workbook
from projects.selectors import departments_for, is_administrator
from projects.services.imports import EDITABLE_STATUSES, FilingImportError, store_filings, unsaved_filings
from projects.services.snapshots import FieldChange, RowChange, filing_diff, filing_snapshot
from projects.typing import AnyUser


class WorkbookImportError(Exception):
    """Bad input or a scope violation; every problem names its sheet and cell. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ProjectChange:
    sheet: str
    year: int
    year_source: str
    code: str
    name: str
    applicant: str
    created: bool
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.created and not self.fields and not self.rows


@dataclass
class WorkbookImport:
    file_name: str
    changes: list[ProjectChange]
    skipped_sheets: list[str]
    stored: bool

    @property
    def created(self) -> list[ProjectChange]:
        return [c for c in self.changes if c.created]

    @property
    def updated(self) -> list[ProjectChange]:
        return [c for c in self.changes if not c.created and not c.unchanged]

    @property
    def unchanged(self) -> list[ProjectChange]:
        return [c for c in self.changes if c.unchanged]


def upload_limits() -> WorkbookLimits:
    return WorkbookLimits(max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def workbook_import(
    *, data: bytes, file_name: str, user: User, year: int | None = None, dry_run: bool = False
) -> WorkbookImport:
    """Reads a workbook and stores its forms, or with ``dry_run`` only reports what would change.

    A sheet's own 预算年度 wins; ``year`` applies to sheets without one; otherwise the year is
    inferred from the forms, as for the text import. Raises WorkbookImportError, having written
    nothing, on any problem in any sheet.
    """
    template = FormTemplate.default()
    try:
        book = parse_workbook(data, vocabulary=template.vocabulary(), limits=upload_limits())
    except WorkbookParseError as error:
        raise WorkbookImportError([f"{file_name}：{problem}" for problem in error.problems]) from error
    years = _sheet_years(book.sheets, year)
    existing = _existing(book.sheets, years)
    problems = _duplicates(book.sheets, years) + _scope_problems(book.sheets, years, existing, user)
    if problems:
        raise WorkbookImportError([f"{file_name}：{problem}" for problem in problems])
    before = {key: filing_snapshot(project, project.indicators.all()) for key, project in existing.items()}
    incoming = {(years[sheet.sheet][0], sheet.filing.code): sheet.filing for sheet in book.sheets}
    unsaved = unsaved_filings(filings=incoming, template=template)
    after = {key: filing_snapshot(project, rows) for key, (project, rows) in unsaved.items()}
    changes = [_change(sheet, years[sheet.sheet], before, after) for sheet in book.sheets]
    by_year: dict[int, dict[str, list[ParsedFiling]]] = defaultdict(dict)
    for sheet in book.sheets:
        by_year[years[sheet.sheet][0]][_source_name(file_name, sheet.sheet)] = [sheet.filing]
    with transaction.atomic():
        try:
            for sheet_year, parsed in by_year.items():
                store_filings(parsed=parsed, year=sheet_year, user=user)
        except FilingImportError as error:
            raise WorkbookImportError([f"{file_name}：{error}"]) from error
        # A preview stores and rolls back, so that it refuses whatever storing would refuse.
        if dry_run:
            transaction.set_rollback(True)
    return WorkbookImport(file_name, changes, book.skipped, stored=not dry_run)


def _source_name(file_name: str, sheet: str) -> str:
    return f"{file_name}（工作表 {sheet}）"[:255]


def _sheet_years(sheets: list[ParsedSheet], year: int | None) -> dict[str, tuple[int, str]]:
    years = {}
    undated = [sheet for sheet in sheets if sheet.fiscal_year is None]
    if year is None:
        inferred = infer_fiscal_year([sheet.filing for sheet in undated]) if undated else None
        fallback = (inferred, "由申报表推断") if inferred else (timezone.localdate().year, "默认为当前年度")
    else:
        fallback = (year, "上传时指定")
    for sheet in sheets:
        years[sheet.sheet] = (sheet.fiscal_year, "工作表填写") if sheet.fiscal_year else fallback
    return years


def _keys_query(years: dict[str, tuple[int, str]], sheets: list[ParsedSheet]) -> QuerySet[Project]:
    return Project.objects.filter(
        fiscal_year__in={years[s.sheet][0] for s in sheets}, code__in={s.filing.code for s in sheets}
    )


def _existing(sheets: list[ParsedSheet], years: dict[str, tuple[int, str]]) -> dict[tuple[int, str], Project]:
    wanted = {(years[s.sheet][0], s.filing.code) for s in sheets}
    found = _with_indicators(_keys_query(years, sheets))
    return {(p.fiscal_year, p.code): p for p in found if (p.fiscal_year, p.code) in wanted}


def _with_indicators(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("applicant", "top_unit").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.select_related("category__parent"))
    )


def _duplicates(sheets: list[ParsedSheet], years: dict[str, tuple[int, str]]) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[int, str], str] = {}
    for sheet in sheets:
        key = (years[sheet.sheet][0], sheet.filing.code)
        if key in seen:
            where = f"工作表「{sheet.sheet}」单元格 {sheet.cell_of('项目编码')}"
            problems.append(f"{where}：项目编码 {key[1]} 与工作表「{seen[key]}」重复")
        seen.setdefault(key, sheet.sheet)
    return problems


def _scope_problems(
    sheets: list[ParsedSheet],
    years: dict[str, tuple[int, str]],
    existing: dict[tuple[int, str], Project],
    user: AnyUser,
) -> list[str]:
    """A 填报人 files only for their departments and never overwrites another department's project."""
    problems = []
    for sheet in sheets:
        project = existing.get((years[sheet.sheet][0], sheet.filing.code))
        if project is not None and project.status not in EDITABLE_STATUSES:
            problems.append(
                f"工作表「{sheet.sheet}」单元格 {sheet.cell_of('项目编码')}：项目 {project.code} "
                f"{project.get_status_display()}，不能被导入覆盖"
            )
    if is_administrator(user):
        return problems
    allowed = {d.normalised_name: d for d in departments_for(user, role=Role.FILER).select_related("parent")}
    allowed_ids = {d.pk for d in allowed.values()}
    for sheet in sheets:
        where = f"工作表「{sheet.sheet}」单元格"
        applicant = allowed.get(normalise_unit_name(sheet.filing.applicant))
        if applicant is None:
            name = sheet.filing.applicant
            problems.append(f"{where} {sheet.cell_of('申请单位')}：您不是「{name}」的填报人，不能为该单位导入申报表")
            continue
        top_units = {applicant.normalised_name} | ({applicant.parent.normalised_name} if applicant.parent else set())
        if normalise_unit_name(sheet.filing.top_unit) not in top_units:
            expected = applicant.parent.name if applicant.parent else applicant.name
            problems.append(
                f"{where} {sheet.cell_of('一级预算单位')}：一级预算单位「{sheet.filing.top_unit}」"
                f"与申请单位不符，应为「{expected}」"
            )
        project = existing.get((years[sheet.sheet][0], sheet.filing.code))
        if project is not None and project.applicant_id not in allowed_ids:
            problems.append(
                f"{where} {sheet.cell_of('项目编码')}：项目编码 {project.code} 在 {project.fiscal_year} 年度"
                "已由其他单位申报，您不能修改"
            )
    return problems


def _change(
    sheet: ParsedSheet,
    year: tuple[int, str],
    before: dict[tuple[int, str], dict[str, Any]],
    after: dict[tuple[int, str], dict[str, Any]],
) -> ProjectChange:
    key = (year[0], sheet.filing.code)
    new = after[key]["fields"]
    change = ProjectChange(
        sheet=sheet.sheet,
        year=year[0],
        year_source=year[1],
        code=sheet.filing.code,
        name=new["name"],
        applicant=new["applicant"],
        created=key not in before,
    )
    if not change.created:
        diff = filing_diff(before[key], after[key])
        change.fields, change.rows = diff.fields, diff.rows
    return change
