"""What every parser of a filing format returns: plain data, independent of the database.

The text parser (``text.py``) and the workbook parser (``xlsx.py``) read their format into these;
the import service stores them, whatever the format was. Header values are keyed by the names of
the kind's header fields (``projects.kinds``) and already converted by the fields' types: amounts
are in the unit the form used (``amount_unit``), units and linked filings are names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


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
class ParsedTask:
    """One row of the 部门整体 form's 年度主要任务, amounts in the form's unit."""

    name: str
    content: str
    total_amount: Decimal | None
    fiscal_amount: Decimal | None
    other_amount: Decimal | None
    line: int


@dataclass
class ParsedFiling:
    """One form of one kind as a file holds it.

    ``values`` maps header field names to values; a field the form does not have is absent.
    ``labels`` keeps the labels the form wrote where a field has several (``policy_basis`` →
    项目概况); ``other_bases`` further policy texts when a form has several, e.g.
    {"项目申报依据": "…"} beside its 政策依据. ``fiscal_year`` is the year the form prints, if any.
    """

    kind: str
    line: int
    values: dict[str, Any]
    amount_unit: str
    indicators: list[ParsedIndicator]
    tasks: list[ParsedTask] = field(default_factory=list)
    fiscal_year: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    other_bases: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: Any = "") -> Any:
        found = self.values.get(name)
        return default if found is None else found

    @property
    def code(self) -> str:
        return str(self.values.get("code") or "")

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    @property
    def department(self) -> str:
        return str(self.values.get("department") or "")
