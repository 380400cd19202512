"""The check report: totals of findings by rule, and the filings they were found on.

The same report feeds the /checks/ page, its workbook and the check_filings command's summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from checks.findings import Finding
from checks.models import CheckTotal, FilingCheck, RuleCount
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
    """Totals by rule over the filings with findings of ``rule`` (over all the filings when None), with
    how many filings that is and how many of them have findings."""

    totals: list[RuleTotal] = field(default_factory=list)
    filings: int = 0
    filings_with_findings: int = 0

    @property
    def errors(self) -> int:
        return sum(total.errors for total in self.totals)

    @property
    def warnings(self) -> int:
        return sum(total.warnings for total in self.totals)


def report_rows(checks: QuerySet[FilingCheck], *, rule: Rule | None = None) -> Iterator[ReportRow]:
    """The checks as report rows, read in chunks (one query a chunk), those without ``rule`` left out."""
    for check in checks.select_related("filing__department").iterator(chunk_size=2000):
        findings = check.finding_list()
        if rule is None or any(finding.rule_id == rule.id for finding in findings):
            yield ReportRow(check, findings)


def check_report(*, totals: QuerySet[CheckTotal], counts: QuerySet[RuleCount], rule: Rule | None = None) -> CheckReport:
    """The report in one query, whatever the number of filings: added up from the totals per unit and
    year (``totals``, already scoped and filtered), or, for the filings with findings of ``rule``, from
    their counts by rule (``counts``, likewise)."""
    rows: Iterable[dict[str, Any]]
    if rule is None:
        rows = (
            totals.order_by()
            .values("rule_id")
            .annotate(
                n=Sum("filings"), found=Sum("with_findings"), error_sum=Sum("errors"), warning_sum=Sum("warnings")
            )
        )
    else:
        having = counts.filter(rule_id=rule.id).values("filing_id")
        rows = (
            counts.filter(filing_id__in=having)
            .order_by()
            .values("rule_id")
            .annotate(
                n=Count("pk"),
                found=Count("pk", filter=Q(errors__gt=0) | Q(warnings__gt=0)),
                error_sum=Sum("errors"),
                warning_sum=Sum("warnings"),
            )
        )
    report = CheckReport(totals=[RuleTotal(rule) for rule in RULES])
    by_id = {total.rule.id: total for total in report.totals}
    for row in rows:
        if row["rule_id"] == "":
            report.filings, report.filings_with_findings = row["n"], row["found"]
        elif row["rule_id"] in by_id:  # a rule since removed counts no more
            total = by_id[row["rule_id"]]
            total.errors, total.warnings, total.filings = row["error_sum"], row["warning_sum"], row["n"]
    return report
