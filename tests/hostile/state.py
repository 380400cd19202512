"""The state of the database a refused input must leave as it was."""

from __future__ import annotations

from indicators.models import Indicator
from projects.kinds import header_model
from projects.kinds.overall import OverallTask
from projects.models import Department, Filing


def database_state() -> tuple:
    """Every filing's version and status, the number of rows of each table an import or a save writes,
    and the number of history records of each (a write that skipped the version still leaves one)."""
    tracked = [
        Filing,
        Indicator,
        OverallTask,
        Department,
        *(header_model(code) for code in ("project", "program", "overall")),
    ]
    histories = [model.history.count() for model in tracked if hasattr(model, "history")]  # type: ignore[attr-defined]
    return (
        tuple(Filing.objects.order_by("pk").values_list("pk", "version", "status")),
        tuple(model.objects.count() for model in tracked),
        tuple(histories),
    )
