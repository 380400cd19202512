"""The admin's lists of filings, 三级指标 and steps run as many queries for many rows as for a few,
find what their search boxes promise, and count a long list only up to a cap
(projects/admin_filters.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from projects.admin_filters import CappedPaginator, UnitFilter, search_rows
from projects.kinds import all_kinds
from projects.models import Filing
from projects.services.review import filing_submit

pytestmark = pytest.mark.django_db

on_postgresql = connection.vendor == "postgresql"
# Session, user, then the filters' choices (years by index probes, the units, 项目类型), the capped
# count and the page.
PROJECT_LIST = 7
# A search also reads the ids of the units whose name holds the text.
PROJECT_SEARCH = PROJECT_LIST + 1
# Session, user, the years of each kind (a probe of the index each), the 一级指标 of the category filter,
# count, page.
ROW_LIST = 5 + len(all_kinds())
# A search reads the filings it names first and, on PostgreSQL, probes the rows' own index.
ROW_SEARCH = ROW_LIST + 1 + on_postgresql
STEP_LIST = 4  # session, user, count, page


def _queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def _grow(people, make_filing, count: int) -> None:
    for number in range(count):
        filing = make_filing(people.unit_a, name=f"增长的项目{number}", year=2020 + number % 3)
        filing_submit(filing=filing, user=people.owner)


@pytest.mark.parametrize(
    ("page", "params", "expected"),
    [
        ("projects_projectfiling", {}, PROJECT_LIST),
        ("projects_projectfiling", {"q": "服务"}, PROJECT_SEARCH),
        ("projects_projectfiling", {"fiscal_year__exact": "2021", "status__exact": "submitted"}, PROJECT_LIST),
        ("projects_programfiling", {}, PROJECT_LIST - 1),
        ("indicators_indicator", {}, ROW_LIST),
        ("indicators_indicator", {"q": "满意度"}, ROW_SEARCH),
        ("projects_transition", {}, STEP_LIST),
        ("projects_transition", {"q": "增长"}, STEP_LIST),
    ],
)
def test_each_list_runs_as_many_queries_for_30_more_filings_as_for_3(
    admin_client, people, make_filing, page, params, expected
):
    url = reverse(f"admin:{page}_changelist")
    _grow(people, make_filing, 3)
    few = _queries(admin_client, url, **params)
    _grow(people, make_filing, 30)
    assert _queries(admin_client, url, **params) == few == expected


def test_the_project_list_is_in_the_order_of_its_index(admin_client, samples):
    listed = admin_client.get(reverse("admin:projects_projectfiling_changelist")).context["cl"].result_list
    keys = [(-filing.fiscal_year, filing.department_id, filing.code, filing.name, filing.pk) for filing in listed]
    assert keys == sorted(keys) and len(keys) == 50


def test_the_filters_offer_the_years_and_project_types_there_are(admin_client, samples):
    response = admin_client.get(reverse("admin:projects_projectfiling_changelist"))
    offered = {
        spec.title: [choice["display"] for choice in spec.choices(response.context["cl"])]
        for spec in response.context["cl"].filter_specs
    }
    years = sorted(set(Filing.objects.filter(kind="project").values_list("fiscal_year", flat=True)), reverse=True)
    assert offered["预算年度"][1:] == [f"{year}年度" for year in years]
    assert len(offered["项目类型"]) > 2


def test_a_long_list_is_counted_up_to_the_cap_and_says_so(admin_client, samples, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 30)
    response = admin_client.get(reverse("admin:projects_projectfiling_changelist"))
    assert response.context["cl"].result_count == 30
    assert "超过 30 条" in response.content.decode()
    response = admin_client.get(reverse("admin:projects_programfiling_changelist"))
    assert response.context["cl"].result_count == Filing.objects.filter(kind="program").count()


def test_an_administrators_unit_filter_lists_only_the_chosen_unit_beyond_sixty(admin_client, samples, monkeypatch):
    monkeypatch.setattr(UnitFilter, "LISTED", 1)
    project = Filing.objects.filter(kind="project").first()
    assert project is not None
    url = reverse("admin:projects_projectfiling_changelist")
    response = admin_client.get(url, {"department__id__exact": project.department_id})
    expected = Filing.objects.filter(kind="project", department=project.department)
    assert {filing.pk for filing in response.context["cl"].result_list} == set(expected.values_list("pk", flat=True))
    titles = [spec.title for spec in admin_client.get(url).context["cl"].filter_specs]
    assert "填报单位" not in titles


@pytest.mark.parametrize("many", [0, 200])
def test_a_row_search_finds_rows_by_their_text_or_their_filings_code_or_name(samples, monkeypatch, many):
    monkeypatch.setattr("projects.admin_filters.MANY", many)  # found by the indexes, or read in order
    rows = Indicator.objects.all()

    def found(text: str) -> set[int]:
        return set(search_rows(rows, text).values_list("pk", flat=True))

    filing = Filing.objects.get(code="440306210601500000540")
    assert found("440306210601500000540") == set(filing.indicators.values_list("pk", flat=True))
    expected = set(rows.filter(name__contains="满意度").values_list("pk", flat=True)) | set(
        rows.filter(value__contains="满意度").values_list("pk", flat=True)
    )
    assert len(expected) > 10 and found("满意度") == expected
    assert found("度满意") == set()
