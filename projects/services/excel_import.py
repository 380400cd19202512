"""Import of workbooks in the application's template: read every sheet, check who may file what, then
preview or store everything in one transaction.

Reading is ``projects.parsers.xlsx``, in every layout a kind's templates describe (each sheet in the one
it fits best); storing is ``store_filings``, shared with the text import.
This module adds what an upload by a person needs: the budget year of each sheet, the scope of a
填报人 (only their own units, never another unit's filing), and a preview that lists what would
be created and changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects.kinds import kind_named
from projects.models import EDITABLE_STATUSES, Department, Filing, Role, normalise_unit_name
from projects.parsers.filing import ParsedFiling
from projects.parsers.text import infer_fiscal_year
from projects.parsers.workbook_guard import WorkbookLimits
from projects.parsers.xlsx import ParsedSheet, WorkbookParseError, parse_workbook
from projects.selectors import departments_for, is_administrator
from projects.services.imports import (
    FilingImportError,
    Key,
    existing_filings,
    hierarchy_mismatch,
    key_of,
    layouts,
    store_filings,
    visible_to_filer,
)
from projects.services.previews import FilingChange, ImportChanges, filing_changes, hidden_keys
from projects.typing import AnyUser

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class WorkbookImportError(Exception):
    """Bad input or a scope violation; every problem names its sheet and cell. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class WorkbookImport(ImportChanges):
    file_name: str
    changes: list[FilingChange]
    skipped_sheets: list[str]
    stored: bool
    # The version of each stored filing the import read, by id: what a preview's confirmation is
    # stored against (``workbook_import(versions=...)``).
    versions: dict[int, int] = field(default_factory=dict)


def upload_limits() -> WorkbookLimits:
    return WorkbookLimits(max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def workbook_import(
    *,
    data: bytes,
    file_name: str,
    user: User,
    year: int | None = None,
    dry_run: bool = False,
    versions: Mapping[int, int] | None = None,
) -> WorkbookImport:
    """Reads a workbook and stores its forms, or with ``dry_run`` only reports what would change.

    A sheet's own 预算年度 wins; ``year`` applies to sheets without one; otherwise the year is
    inferred from the forms, as for the text import. A confirmation passes the ``versions`` its
    preview read, so that a filing saved by someone else since is not overwritten. Raises
    WorkbookImportError, having written nothing, on any problem in any sheet.
    """
    try:
        book = parse_workbook(data, layouts=layouts(), limits=upload_limits())
    except WorkbookParseError as error:
        raise WorkbookImportError([f"{file_name}：{problem}" for problem in error.problems]) from error
    years = _sheet_years(book.sheets, year)
    keys = {sheet.sheet: key_of(sheet.filing, years[sheet.sheet][0]) for sheet in book.sheets}
    # To a 填报人, another unit's filing does not exist: a sheet with its code reads as a new filing.
    existing = visible_to_filer(existing_filings(keys.values()), user)
    problems = _duplicates(book.sheets, keys) + _scope_problems(book.sheets, keys, existing, user)
    if problems:
        raise WorkbookImportError([f"{file_name}：{problem}" for problem in problems])
    forms = {keys[sheet.sheet]: (sheet.sheet, years[sheet.sheet][1], sheet.filing) for sheet in book.sheets}
    changes = filing_changes(forms, existing, checked=dry_run)
    hidden = hidden_keys(keys.values(), existing) if dry_run else set()
    by_year: dict[int, dict[str, list[ParsedFiling]]] = defaultdict(dict)
    for sheet in book.sheets:
        if keys[sheet.sheet] not in hidden:
            by_year[years[sheet.sheet][0]][_source_name(file_name, sheet.sheet)] = [sheet.filing]
    with transaction.atomic():
        try:
            for sheet_year, parsed in by_year.items():
                store_filings(parsed=parsed, year=sheet_year, user=user, versions=versions)
        except FilingImportError as error:
            raise WorkbookImportError([f"{file_name}：{error}"]) from error
        if not dry_run:  # each stored filing, for the links of the confirmation
            stored = existing_filings(forms)
            for key, change in zip(forms, changes, strict=True):
                change.filing_id = stored[key].pk if key in stored else None
        # A preview stores and rolls back, so that it refuses whatever storing would refuse.
        if dry_run:
            transaction.set_rollback(True)
    read = {filing.pk: filing.version for filing in existing.values()}
    return WorkbookImport(file_name, changes, book.skipped, stored=not dry_run, versions=read)


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
    """A 填报人 files only for their units; nobody overwrites a filing under review, or moves a unit
    under another parent. ``existing`` holds only the filings the user may see, so that no problem
    tells a 填报人 anything of another unit's filings."""
    problems = []
    units = _stored_units(sheets)
    allowed = None if is_administrator(user) else {d.normalised_name for d in departments_for(user, role=Role.FILER)}
    for sheet in sheets:
        where = f"工作表「{sheet.sheet}」单元格"
        kind = kind_named(sheet.filing.kind)
        applicant = normalise_unit_name(sheet.filing.department)
        if allowed is not None and applicant not in allowed:
            name, label = sheet.filing.department, kind.field("department").plain_label
            problems.append(
                f"{where} {sheet.cell_of('department')}：您不是「{name}」的填报人，不能为该{label}导入申报表"
            )
            continue
        filing = existing.get(keys[sheet.sheet])
        if filing is not None and filing.status not in EDITABLE_STATUSES:
            problems.append(
                f"{where} {_identity_cell(sheet)}：{filing.title} {filing.get_status_display()}，不能被导入覆盖"
            )
        unit = units.get(applicant)
        written = str(sheet.filing.value(kind.parent_unit)) if kind.parent_unit else ""
        if unit is not None and written and not unit.answers_to(normalise_unit_name(written)):
            problems.append(f"{where} {sheet.cell_of(kind.parent_unit)}：{hierarchy_mismatch(sheet.filing, unit)}")
    return problems


def _stored_units(sheets: list[ParsedSheet]) -> dict[str, Department]:
    """The stored units the sheets name as their 申请单位 (or 部门名称), by normalised name."""
    names = {normalise_unit_name(sheet.filing.department) for sheet in sheets}
    found = Department.objects.filter(normalised_name__in=names).select_related("parent__parent")
    return {unit.normalised_name: unit for unit in found}
