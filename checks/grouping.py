"""Many of the same finding on one filing, shown once with the rows it is about.

Rule 4 says "指标解释……只是重复了指标名称：请写明计算方法……" of twenty rows of one filing, and rule 11
"指标值……是模糊的描述，无法考核：请改为可衡量的目标……" of five: listed one by one, the advice after
the colon is repeated twenty times and the one error of another rule is lost among them. Grouped, the
box says the advice once and lists each row with what is wrong there.

Works on anything with ``message`` and ``severity`` (a ``checks.findings.Finding``, a note of the edit
page); ``rule_id`` and ``subject`` (where it is: 产出/数量 · 服务企业数量) are used when present.
Plain Python, independent of Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from checks.findings import ERROR, SEVERITY_LABELS

# The colon between what is wrong and what to do; a colon inside “quotes” is part of a quoted value.
_COLON = "："
_QUOTES = {"“": 1, "”": -1}


def split_message(message: str) -> tuple[str, str]:
    """(what is wrong, what to do): the message cut at its first colon outside quotes; ("…", "") if none."""
    depth = 0
    for index, character in enumerate(message):
        depth += _QUOTES.get(character, 0)
        if character == _COLON and depth <= 0:
            return message[:index], message[index + 1 :]
    return message, ""


@dataclass(frozen=True)
class GroupItem:
    """One finding of a group: where it is and what is wrong there."""

    subject: str
    text: str


@dataclass
class FindingGroup:
    """Findings of one rule and severity that give the same advice; a group of one is a plain finding."""

    severity: str
    message: str  # the whole message of the first finding: what a group of one shows
    subject: str
    advice: str
    items: list[GroupItem] = field(default_factory=list)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, SEVERITY_LABELS[ERROR])

    @property
    def is_group(self) -> bool:
        return len(self.items) > 1


def grouped_findings(findings: Iterable[Any]) -> list[FindingGroup]:
    """The findings in their order, those of the same rule, severity and advice gathered into the
    group of the first of them. Findings without a rule, or whose message has no advice part, group
    only when their messages are the same."""
    groups: dict[tuple[str, str, str], FindingGroup] = {}
    for finding in findings:
        severity = getattr(finding, "severity", ERROR) or ERROR
        subject = getattr(finding, "subject", "") or ""
        rule_id = getattr(finding, "rule_id", "") or ""
        # Only a rule's findings share advice; other notes ("年度目标：未填写") group when they are the same.
        wrong, advice = split_message(finding.message) if rule_id else (finding.message, "")
        key = (rule_id, severity, advice or finding.message)
        group = groups.get(key)
        if group is None:
            group = groups[key] = FindingGroup(severity, finding.message, subject, advice)
        # Without advice the group's message says it all; each row only says where.
        group.items.append(GroupItem(subject, wrong if advice else ""))
    return list(groups.values())
