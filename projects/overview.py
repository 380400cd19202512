"""What a unit filed for a year, added up: the unit-year page, its exports, and the district view.

Read-only, in a fixed number of queries whatever the number of filings or units: the filings of
the unit-year with their headers and check results in one query, the reconciliation of its 部门
整体 form (``projects.services.reconciliation``) in at most four; the district view in three
queries over every unit the reader may see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from checks.models import CheckTotal, FilingCheck
from checks.registry import RULES
from projects.models import Department, Filing, Status
from projects.reconciliation import Reconciliation
from projects.services.reconciliation import reconciliations_for

_RULES = {rule.id: rule for rule in RULES}
NO_PROGRAM = "（未归入一级项目）"
NO_TYPE = "（未填项目类型）"
KIND_ORDER = ("overall", "program", "project")
# The headers' free texts, which the overview never shows: most of what reading its filings would fetch.
_LONG_TEXTS = (
    "project_header__policy_basis",
    "project_header__calculation_basis",
    "project_header__annual_goal",
    "project_header__long_term_goal",
    "program_header__goal",
    "overall_header__goals",
)


@dataclass
class AmountRow:
    """A group of 二级 projects: how many, what they ask for this year and over the medium term."""

    label: str
    count: int = 0
    current: Decimal = Decimal(0)
    medium: Decimal = Decimal(0)
    filing: Filing | None = None  # the 一级 filing of a 一级 group

    def add(self, filing: Filing) -> None:
        header = filing.project_header
        self.count += 1
        self.current += header.current_amount or 0
        self.medium += header.total_amount or 0


@dataclass
class RuleRow:
    number: int
    title: str
    errors: int = 0
    warnings: int = 0
    filings: int = 0  # with a finding of the rule


@dataclass
class UnitYear:
    department: Department
    year: int
    filings: list[Filing]
    reconciliation: Reconciliation | None
    projects: AmountRow
    by_program: list[AmountRow]
    by_type: list[AmountRow]
    statuses: list[tuple[str, str, dict[str, int], int]]  # (status, label, count by kind, total)
    rules: list[RuleRow]

    @property
    def overall(self) -> Filing | None:
        return next((f for f in self.filings if f.kind == "overall"), None)

    @property
    def programs(self) -> list[Filing]:
        return [f for f in self.filings if f.kind == "program"]

    @property
    def errors(self) -> int:
        return sum(row.errors for row in self.rules)

    @property
    def warnings(self) -> int:
        return sum(row.warnings for row in self.rules)


def unit_year(department: Department, year: int) -> UnitYear:
    """The unit's filings of the year, added up (two to six queries)."""
    filings = list(
        Filing.objects.filter(department=department, fiscal_year=year)
        .select_related("project_header", "program_header", "overall_header")
        .defer(*_LONG_TEXTS)
        .order_by("kind", "code", "name", "pk")
    )
    filings.sort(key=lambda f: KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER))
    has_overall = any(f.kind == "overall" for f in filings)
    key = (department.pk, year)
    reconciliation = reconciliations_for([key], read=filings).get(key) if has_overall else None
    projects = [f for f in filings if f.kind == "project"]
    total = AmountRow("二级项目合计")
    groups = {f.pk: AmountRow(f.name, filing=f) for f in filings if f.kind == "program"}
    loose = AmountRow(NO_PROGRAM)
    types: dict[str, AmountRow] = {}
    for filing in projects:
        total.add(filing)
        header = filing.project_header
        groups.get(header.program_id or 0, loose).add(filing)
        label = header.project_type or NO_TYPE
        types.setdefault(label, AmountRow(label)).add(filing)
    by_program = [*groups.values(), *([loose] if loose.count else [])]
    by_type = sorted(types.values(), key=lambda row: (-row.current, row.label))
    return UnitYear(
        department=department,
        year=year,
        filings=filings,
        reconciliation=reconciliation,
        projects=total,
        by_program=by_program,
        by_type=by_type,
        statuses=_statuses(filings),
        rules=_rules(department, year),
    )


def _statuses(filings: list[Filing]) -> list[tuple[str, str, dict[str, int], int]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for filing in filings:
        counts[filing.status][filing.kind] += 1
    return [(status.value, status.label, dict(counts[status]), sum(counts[status].values())) for status in Status]


def _rules(department: Department, year: int) -> list[RuleRow]:
    """The findings by rule over the unit's filings of the year: the check totals kept for the unit
    and year (``checks.counts``), a few rows, not every finding."""
    rows: dict[str, RuleRow] = {}
    totals = CheckTotal.objects.filter(department=department, fiscal_year=year).exclude(rule_id="")
    for total in totals:
        rule = _RULES.get(total.rule_id)
        if rule is None:
            continue
        row = rows.setdefault(rule.id, RuleRow(rule.number, rule.title))
        row.errors += total.errors
        row.warnings += total.warnings
        row.filings += total.with_findings
    return sorted((row for row in rows.values() if row.errors or row.warnings), key=lambda row: row.number)


# -- the district view -----------------------------------------------------------------------------


@dataclass
class UnitRow:
    department: Department
    projects: int = 0
    current: Decimal = Decimal(0)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    differences: int = 0
    has_overall: bool = False

    @property
    def filings(self) -> int:
        return sum(self.statuses.values())


SORT_KEYS = {
    "unit": lambda row: row.department.name,
    "filings": lambda row: row.filings,
    "current": lambda row: row.current,
    "draft": lambda row: row.statuses.get("draft", 0),
    "submitted": lambda row: row.statuses.get("submitted", 0),
    "returned": lambda row: row.statuses.get("returned", 0),
    "approved": lambda row: row.statuses.get("approved", 0),
    "errors": lambda row: row.errors,
    "differences": lambda row: row.differences,
}


def district(departments: QuerySet[Department], year: int, *, sort: str = "unit") -> list[UnitRow]:
    """One row per unit that filed for the year (three queries, however many units): the units, every
    figure but the differences in one pass over the year's filings grouped by unit and status, and the
    check results of the 部门整体 forms."""
    # The units first, then their filings by the units' ids, which the index on the unit answers.
    units = {d.pk: d for d in departments}
    filings = Filing.objects.filter(department_id__in=list(units), fiscal_year=year).order_by()
    project = Q(kind="project")
    counts = filings.values_list("department_id", "status").annotate(
        n=Count("pk"),
        project_count=Count("pk", filter=project),
        current=Sum("project_header__current_amount", filter=project),
        errors=Sum("filing_check__errors"),
    )
    rows: dict[int, UnitRow] = {}
    for department_id, status, count, projects, current, errors in counts:
        row = rows.setdefault(department_id, UnitRow(units[department_id]))
        row.statuses[status] = row.statuses.get(status, 0) + count
        row.projects += projects
        row.current += current or Decimal(0)
        row.errors += errors or 0
    # The reconciliation differences are rule 16's findings on the 部门整体 form (one per unit).
    overall_checks = FilingCheck.objects.filter(filing__in=filings.filter(kind="overall")).values_list(
        "filing__department_id", "findings"
    )
    for department_id, findings in overall_checks:
        rows[department_id].has_overall = True
        rows[department_id].differences = sum(1 for f in findings if f.get("rule_id") == "tasks_match_projects")
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["unit"])
    return sorted(rows.values(), key=key, reverse=descending)


def district_years(departments: QuerySet[Department]) -> list[int]:
    # Without the filings' default ordering, which DISTINCT would otherwise take in (unit name, code…).
    years = Filing.objects.filter(department__in=departments).order_by().values_list("fiscal_year", flat=True)
    return sorted(set(years.distinct()), reverse=True)
