"""Runs the rules over a filing and turns their notes into findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from checks.filing import Filing
from checks.findings import ERROR, Finding, Note
from checks.registry import RULES, Rule


class Setting(Protocol):
    """A template's choice for one rule (``checks.models.RuleSetting`` or any lookalike)."""

    enabled: bool
    severity: str  # "" keeps the rule's own severity


def run_rules(filing: Filing, *, settings: Mapping[str, Setting] | None = None) -> list[Finding]:
    """Every finding on the filing, errors first, then in rule and row order."""
    settings = settings or {}
    findings = []
    for rule in RULES:
        if filing.kind not in rule.kinds:
            continue
        setting = settings.get(rule.id)
        if setting is not None and not setting.enabled:
            continue
        severity = setting.severity if setting is not None else ""
        findings += [_finding(rule, note, severity, filing) for note in rule.check(filing)]
    order = {rule.id: rule.number for rule in RULES}
    return sorted(findings, key=lambda f: (f.severity != ERROR, order[f.rule_id], f.row or 0))


def _finding(rule: Rule, note: Note, severity: str, filing: Filing) -> Finding:
    row = note.row
    return Finding(
        rule_id=rule.id,
        severity=severity or note.severity,
        field=note.field,
        indicator_id=row.indicator_id if row else None,
        message=note.message,
        row=row.position if row else None,
        subject=note.subject or (row.label if row else filing.labels.get(note.field or "", "")),
    )
