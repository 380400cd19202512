"""Totals of findings by rule, for the check_filings report and the report page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from checks.findings import Finding
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
    totals = {rule.id: RuleTotal(rule) for rule in RULES}
    for findings in findings_per_filing:
        for finding in findings:
            total = totals[finding.rule_id]
            if finding.is_error:
                total.errors += 1
            else:
                total.warnings += 1
        for rule_id in {finding.rule_id for finding in findings}:
            totals[rule_id].filings += 1
    return list(totals.values())
