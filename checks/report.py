"""The check report: totals of findings by rule, and the filings they were found on.

The same report feeds the /checks/ page, its workbook and the check_filings command's summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet

from checks.findings import Finding
from checks.models import FilingCheck
from checks.registry import RULES, Rule


@dataclass
class RuleTotal:
    rule: Rule
    errors: int = 0
    warnings: int = 0
    filings: int = 0

    @property
    def findings(self) -> int:
        return self.errors + self.warnings


def totals_by_rule(findings_per_filing: Iterable[list[Finding]]) -> list[RuleTotal]:
    """One total per rule, in rule order, including rules that found nothing."""
    running = RunningTotals()
    for findings in findings_per_filing:
        running.add(findings)
    return running.totals


class RunningTotals:
    """Totals added up a filing at a time, so that a run over many filings (the check_filings
    command, the streamed workbook) keeps none of them."""

    def __init__(self) -> None:
        self._totals = {rule.id: RuleTotal(rule) for rule in RULES}
        self.filings = self.with_errors = self.errors = self.warnings = 0

    def add(self, findings: list[Finding]) -> None:
        _add(self._totals, findings)
        errors = sum(1 for finding in findings if finding.is_error)
        self.filings += 1
        self.with_errors += bool(errors)
        self.errors += errors
        self.warnings += len(findings) - errors

    @property
    def totals(self) -> list[RuleTotal]:
        """One total per rule, in rule order, including rules that found nothing."""
        return list(self._totals.values())


def _add(totals: dict[str, RuleTotal], findings: list[Finding]) -> None:
    for finding in findings:
        total = totals[finding.rule_id]
        if finding.is_error:
            total.errors += 1
        else:
            total.warnings += 1
    for rule_id in {finding.rule_id for finding in findings}:
        totals[rule_id].filings += 1


@dataclass(frozen=True)
class ReportRow:
    """A filing of the report, with its findings read once from the stored check."""

    check: FilingCheck
    findings: list[Finding]


@dataclass
class CheckReport:
    """The filings with findings of ``rule`` (of any rule when None), and their totals by rule."""

    rows: list[ReportRow] = field(default_factory=list)
    totals: list[RuleTotal] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(total.errors for total in self.totals)

    @property
    def warnings(self) -> int:
        return sum(total.warnings for total in self.totals)

    @property
    def filings_with_findings(self) -> int:
        return sum(1 for row in self.rows if row.findings)


def report_rows(checks: QuerySet[FilingCheck], *, rule: Rule | None = None) -> Iterator[ReportRow]:
    """The checks as report rows, read in chunks (one query a chunk), those without ``rule`` left out."""
    for check in checks.select_related("filing__department").iterator(chunk_size=2000):
        findings = check.finding_list()
        if rule is None or any(finding.rule_id == rule.id for finding in findings):
            yield ReportRow(check, findings)


def check_report(checks: QuerySet[FilingCheck], *, rule: Rule | None = None) -> CheckReport:
    """The report of the checks (already scoped to what the user may see and filtered), in one query."""
    report = CheckReport(rows=list(report_rows(checks, rule=rule)))
    report.totals = totals_by_rule(row.findings for row in report.rows)
    return report
