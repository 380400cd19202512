"""Export every sample project to the official template and read the workbook back."""

import pytest

from indicators.models import Indicator
from projects.models import Project
from projects.services.excel import projects_to_workbook
from projects.services.excel_import import workbook_import
from projects.services.imports import HEADER_FIELDS

pytestmark = pytest.mark.django_db

COMPARED_FIELDS = [
    "fiscal_year",
    "code",
    "status",
    *(f for f in HEADER_FIELDS if f not in ("source_file", "source_line")),
]
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


def stored_state() -> dict:
    """Every compared field of every project, and its indicator rows in the official order."""
    projects = {p["id"]: p for p in Project.objects.values("id", *COMPARED_FIELDS)}
    rows: dict[int, list] = {pk: [] for pk in projects}
    for row in Indicator.objects.values_list("project_id", *INDICATOR_FIELDS):
        rows[row[0]].append(row[1:])
    return {
        (p["fiscal_year"], p["code"]): ({k: v for k, v in p.items() if k != "id"}, rows[pk])
        for pk, p in projects.items()
    }


def test_every_sample_project_survives_export_and_reimport_field_for_field_and_row_for_row(samples, admin_user):
    before = stored_state()
    assert len(before) == 100

    workbook = projects_to_workbook(projects=Project.objects.all())
    result = workbook_import(data=workbook, file_name="全部示例.xlsx", user=admin_user)

    assert len(result.changes) == 100
    assert result.created == [] and result.updated == []
    after = stored_state()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
