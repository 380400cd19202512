"""Import of workbooks in the application's template: read every sheet, check who may file what, then
preview or store everything in one transaction.

Reading is ``projects.parsers.xlsx``; storing is ``store_filings``, shared with the text import.
This module adds what an upload by a person needs: the budget year of each sheet, the scope of a
填报人 (only their own units, never another unit's filing), and a preview that lists what would
be created and changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects.kinds import kind_named
from projects.models import EDITABLE_STATUSES, Filing, Role, normalise_unit_name
from projects.parsers.filing import ParsedFiling
from projects.parsers.text import infer_fiscal_year
from projects.parsers.workbook_guard import WorkbookLimits
from projects.parsers.xlsx import ParsedSheet, WorkbookParseError, parse_workbook
from projects.selectors import departments_for, is_administrator
from projects.services.imports import (
    FilingImportError,
    Key,
    existing_filings,
    key_of,
    store_filings,
    unsaved_filings,
    vocabularies,
)
from projects.services.snapshots import FieldChange, RowChange, Snapshot, TaskChange, filing_diff, filing_snapshot
from projects.typing import AnyUser

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class WorkbookImportError(Exception):
    """Bad input or a scope violation; every problem names its sheet and cell. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class FilingChange:
    sheet: str
    kind: str
    year: int
    year_source: str
    code: str
    name: str
    department: str
    created: bool
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    tasks: list[TaskChange] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.created and not self.fields and not self.rows and not self.tasks

    @property
    def kind_name(self) -> str:
        return kind_named(self.kind).short_name


@dataclass
class WorkbookImport:
    file_name: str
    changes: list[FilingChange]
    skipped_sheets: list[str]
    stored: bool

    @property
    def created(self) -> list[FilingChange]:
        return [c for c in self.changes if c.created]

    @property
    def updated(self) -> list[FilingChange]:
        return [c for c in self.changes if not c.created and not c.unchanged]

    @property
    def unchanged(self) -> list[FilingChange]:
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
    try:
        book = parse_workbook(data, vocabularies=vocabularies(), limits=upload_limits())
    except WorkbookParseError as error:
        raise WorkbookImportError([f"{file_name}：{problem}" for problem in error.problems]) from error
    years = _sheet_years(book.sheets, year)
    keys = {sheet.sheet: key_of(sheet.filing, years[sheet.sheet][0]) for sheet in book.sheets}
    existing = existing_filings(keys.values())
    problems = _duplicates(book.sheets, keys) + _scope_problems(book.sheets, keys, existing, user)
    if problems:
        raise WorkbookImportError([f"{file_name}：{problem}" for problem in problems])
    before = {key: filing_snapshot(filing) for key, filing in existing.items()}
    incoming = {keys[sheet.sheet]: sheet.filing for sheet in book.sheets}
    after = {
        key: filing_snapshot(unsaved.filing, unsaved.rows, unsaved.tasks, header=unsaved.header)
        for key, unsaved in unsaved_filings(filings=incoming).items()
    }
    changes = [_change(sheet, keys[sheet.sheet], years[sheet.sheet][1], before, after) for sheet in book.sheets]
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


def _identity_cell(sheet: ParsedSheet) -> str:
    kind = kind_named(sheet.filing.kind)
    return sheet.cell_of(kind.identity[-1] if kind.identity[0] == "department" else kind.identity[0])


def _describe(key: Key) -> str:
    kind = kind_named(key[0])
    return f"{kind.short_name}“{key[2] if kind.identity[0] != 'department' else key[3] or kind.title}”"


def _duplicates(sheets: list[ParsedSheet], keys: dict[str, Key]) -> list[str]:
    problems: list[str] = []
    seen: dict[Key, str] = {}
    for sheet in sheets:
        key = keys[sheet.sheet]
        if key in seen:
            where = f"工作表「{sheet.sheet}」单元格 {_identity_cell(sheet)}"
            what = f"项目编码 {key[2]}" if key[0] == "project" else _describe(key)
            problems.append(f"{where}：{what} 与工作表「{seen[key]}」重复")
        seen.setdefault(key, sheet.sheet)
    return problems


def _scope_problems(
    sheets: list[ParsedSheet], keys: dict[str, Key], existing: dict[Key, Filing], user: AnyUser
) -> list[str]:
    """A 填报人 files only for their units and never overwrites another unit's filing."""
    problems = []
    for sheet in sheets:
        filing = existing.get(keys[sheet.sheet])
        if filing is not None and filing.status not in EDITABLE_STATUSES:
            problems.append(
                f"工作表「{sheet.sheet}」单元格 {_identity_cell(sheet)}：{filing.title} "
                f"{filing.get_status_display()}，不能被导入覆盖"
            )
    if is_administrator(user):
        return problems
    allowed = {d.normalised_name: d for d in departments_for(user, role=Role.FILER).select_related("parent")}
    allowed_ids = {d.pk for d in allowed.values()}
    for sheet in sheets:
        kind = kind_named(sheet.filing.kind)
        where = f"工作表「{sheet.sheet}」单元格"
        applicant = allowed.get(normalise_unit_name(sheet.filing.department))
        if applicant is None:
            name, label = sheet.filing.department, kind.field("department").plain_label
            problems.append(
                f"{where} {sheet.cell_of('department')}：您不是「{name}」的填报人，不能为该{label}导入申报表"
            )
            continue
        if kind.parent_unit and (written := str(sheet.filing.value(kind.parent_unit))):
            parents = {applicant.normalised_name} | ({applicant.parent.normalised_name} if applicant.parent else set())
            if normalise_unit_name(written) not in parents:
                expected = applicant.parent.name if applicant.parent else applicant.name
                label = kind.field(kind.parent_unit).plain_label
                unit_label, cell = kind.field("department").plain_label, sheet.cell_of(kind.parent_unit)
                problems.append(f"{where} {cell}：{label}「{written}」与{unit_label}不符，应为「{expected}」")
        filing = existing.get(keys[sheet.sheet])
        if filing is not None and filing.department_id not in allowed_ids:
            what = f"项目编码 {filing.code}" if filing.code else filing.title
            problems.append(
                f"{where} {_identity_cell(sheet)}：{what} 在 {filing.fiscal_year} 年度已由其他单位申报，您不能修改"
            )
    return problems


def _change(
    sheet: ParsedSheet, key: Key, year_source: str, before: dict[Key, Snapshot], after: dict[Key, Snapshot]
) -> FilingChange:
    new = after[key]["fields"]
    change = FilingChange(
        sheet=sheet.sheet,
        kind=key[0],
        year=key[1],
        year_source=year_source,
        code=new.get("code", ""),
        name=new.get("name", ""),
        department=new.get("department", ""),
        created=key not in before,
    )
    if not change.created:
        diff = filing_diff(before[key], after[key])
        change.fields, change.rows, change.tasks = diff.fields, diff.rows, diff.tasks
    return change
