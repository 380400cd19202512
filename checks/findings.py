"""What a check says about a filing: plain data, independent of Django."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checks.filing import Row

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "提示"}


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer would raise.

    ``severity`` is ``error`` (错误: blocks submission) or ``warning`` (提示). ``field`` names the
    Project field it is about (``code``, ``current_amount``); ``indicator_id`` the stored 三级指标
    row, and ``row`` that row's position in the filing, which also works before anything is saved.
    ``subject`` is what the finding is about as the form names it (项目编码, 产出/数量 · 服务企业数量).
    """

    rule_id: str
    severity: str
    field: str | None
    indicator_id: int | None
    message: str
    row: int | None = None
    subject: str = ""

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


@dataclass(frozen=True)
class Note:
    """What a rule function yields; the engine adds the rule's id and the template's severity."""

    severity: str
    message: str
    field: str | None = None
    row: Row | None = None
    subject: str = ""


def error(message: str, *, field: str | None = None, row: Row | None = None, subject: str = "") -> Note:
    return Note(ERROR, message, field, row, subject)


def warning(message: str, *, field: str | None = None, row: Row | None = None, subject: str = "") -> Note:
    return Note(WARNING, message, field, row, subject)
