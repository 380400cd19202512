"""The models: budget units, the filing aggregate, and each kind's header (``projects.kinds``)."""

from projects.models.filing import (
    EDITABLE_STATUSES,
    FILING_FIELDS,
    WAN,
    AmountUnit,
    Filing,
    Status,
    Transition,
    field_label,
    in_yuan,
)
from projects.models.links import TaskLink
from projects.models.units import Assignment, Department, Role, district_of, normalise_unit_name

# The kinds' header models register their kind as they load.
from projects.kinds.project import Allocation, ProjectFiling, ProjectHeader  # noqa: E402  isort: skip
from projects.kinds.program import ProgramFiling, ProgramHeader  # noqa: E402  isort: skip
from projects.kinds.overall import OverallFiling, OverallHeader, OverallTask  # noqa: E402  isort: skip

__all__ = [
    "EDITABLE_STATUSES",
    "FILING_FIELDS",
    "WAN",
    "Allocation",
    "AmountUnit",
    "Assignment",
    "Department",
    "Filing",
    "OverallFiling",
    "OverallHeader",
    "OverallTask",
    "ProgramFiling",
    "ProgramHeader",
    "ProjectFiling",
    "ProjectHeader",
    "Role",
    "Status",
    "TaskLink",
    "Transition",
    "district_of",
    "field_label",
    "in_yuan",
    "normalise_unit_name",
]
