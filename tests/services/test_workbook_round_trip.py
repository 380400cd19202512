"""Export every sample filing, of every kind, to the official template and read the workbook back."""

from typing import Any

import pytest

from indicators.models import Indicator
from projects.models import Filing, OverallHeader, OverallTask, ProgramHeader, ProjectHeader
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import workbook_import
from tests.helpers.samples import FILING_COUNT, SAMPLE_COUNT

pytestmark = pytest.mark.django_db

# Every column of the filing but where it was imported from, its version and its timestamps.
FILING_FIELDS = ["kind", "fiscal_year", "code", "name", "department_id", "amount_unit", "status", "template_id"]
HEADER_MODELS = [ProjectHeader, ProgramHeader, OverallHeader]
INDICATOR_FIELDS = [
    "category_id",
    "position",
    "name",
    "value",
    "explanation",
    "not_applicable",
    "comparator",
    "number",
    "unit",
]
TASK_FIELDS = ["position", "name", "content", "total_amount", "fiscal_amount", "other_amount"]


def stored_state() -> dict[int, tuple[dict[str, Any], dict[str, Any], list[tuple], list[tuple]]]:
    """Every compared field of every filing, its kind's header (every column), its indicator rows in
    the official order and its tasks."""
    filings = {f["id"]: f for f in Filing.objects.values("id", *FILING_FIELDS)}
    headers: dict[int, dict[str, Any]] = {}
    for model in HEADER_MODELS:
        for header in model._default_manager.values():
            headers[header.pop("filing_id")] = header
    rows: dict[int, list[tuple]] = {pk: [] for pk in filings}
    for row in Indicator.objects.order_by("filing_id", "category__parent__order", "category__order", "position"):
        rows[row.filing_id].append(tuple(getattr(row, name) for name in INDICATOR_FIELDS))
    tasks: dict[int, list[tuple]] = {pk: [] for pk in filings}
    for task in OverallTask.objects.order_by("filing_id", "position").values_list("filing_id", *TASK_FIELDS):
        tasks[task[0]].append(task[1:])
    return {
        pk: ({k: v for k, v in filing.items() if k != "id"}, headers[pk], rows[pk], tasks[pk])
        for pk, filing in filings.items()
    }


@pytest.mark.parametrize(("kind", "count"), [("project", SAMPLE_COUNT), ("program", 7), ("overall", 2)])
def test_every_sample_filing_survives_export_and_reimport_field_for_field_and_row_for_row(
    samples, admin_user, kind, count
):
    before = stored_state()
    assert len(before) == FILING_COUNT

    workbook = filings_to_workbook(filings=Filing.objects.filter(kind=kind))
    result = workbook_import(data=workbook, file_name="全部示例.xlsx", user=admin_user)

    assert len(result.changes) == count and {change.kind for change in result.changes} == {kind}
    assert result.created == [] and result.updated == []
    after = stored_state()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key


def test_a_workbook_of_every_kind_at_once_changes_nothing(samples, admin_user):
    before = stored_state()

    result = workbook_import(
        data=filings_to_workbook(filings=Filing.objects.all()), file_name="全部.xlsx", user=admin_user
    )

    assert len(result.changes) == FILING_COUNT
    assert result.created == [] and result.updated == []
    assert stored_state() == before
