"""What every parser of a filing format returns: plain data, independent of Django.

The text parser (``text.py``) and the workbook parser read their format into these; the import
service stores them, whatever the format was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class FilingParseError(ValueError):
    """Why a text cannot be read as filings; ``line`` is 1-based, None when no line is to blame."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"第{line}行：{message}" if line is not None else message)


@dataclass
class ParsedIndicator:
    level1: str
    level2: str
    name: str
    value: str
    explanation: str
    not_applicable: bool
    line: int


@dataclass
class ParsedFiling:
    line: int
    code: str
    name: str
    applicant: str
    top_unit: str
    duration_years: int | None
    project_type: str
    is_new: bool | None
    allocation: str
    amount_unit: str
    total_amount: Decimal | None
    current_amount: Decimal | None
    policy_basis: str
    policy_basis_label: str
    calculation_basis: str
    annual_goal: str
    long_term_goal: str
    indicators: list[ParsedIndicator]
    # Further policy texts when a form has several, e.g. {"项目申报依据": "…"} beside its 政策依据.
    other_bases: dict[str, str] = field(default_factory=dict)
