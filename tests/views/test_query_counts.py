"""Pages run a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from tests.helpers.filings import categories

pytestmark = pytest.mark.django_db

# Session and user, scope (groups, assignments), filter choices (years, types, units), count, page.
PROJECT_LIST_QUERIES = 10
# Session and user, scope, the project, template categories (two), rows, applicant choices, and the
# filing checks shown beside fields and rows (the project with its rows, rule settings).
EDIT_PAGE_QUERIES = 15


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _make_projects(people, make_filing, count):
    for number in range(count):
        make_filing(
            people.unit_a,
            name=f"项目{number}",
            rows_per_category=0,
            with_optional_rows=False,
            project_type=f"类型{number % 3}",
        )


def test_the_project_list_of_50_rows_runs_as_many_queries_as_one_of_5(
    client, people, make_filing, django_assert_num_queries
):
    client.force_login(people.owner)
    url = reverse("projects:project_list")
    _make_projects(people, make_filing, 5)
    few = _queries(client, url)
    _make_projects(people, make_filing, 45)
    with django_assert_num_queries(PROJECT_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert few == PROJECT_LIST_QUERIES


def _add_rows(project, count):
    quantity = categories()[0]
    Indicator.objects.bulk_create(
        Indicator(
            project=project, category=quantity, position=100 + n, name=f"补充指标{n}", value="1个", explanation="说明"
        )
        for n in range(count)
    )


def test_the_edit_page_with_30_indicators_runs_as_many_queries_as_with_3(
    client, people, make_filing, django_assert_num_queries
):
    client.force_login(people.owner)
    small, large = make_filing(people.unit_a, with_optional_rows=False, rows_per_category=0), make_filing(people.unit_a)
    _add_rows(small, 3)
    _add_rows(large, 30 - large.indicators.count())
    assert large.indicators.count() == 30
    few = _queries(client, reverse("projects:project_edit", args=[small.pk]))
    with django_assert_num_queries(EDIT_PAGE_QUERIES):
        response = client.get(reverse("projects:project_edit", args=[large.pk]))
    assert sum(len(block.forms) for level in response.context["levels"] for block in level.blocks) == 30
    assert few == EDIT_PAGE_QUERIES


def test_the_project_page_with_its_history_runs_a_fixed_number_of_queries(client, people, make_filing):
    client.force_login(people.owner)
    small, large = make_filing(people.unit_a, rows_per_category=0), make_filing(people.unit_a)
    _add_rows(large, 20)
    counts = [_queries(client, reverse("projects:project_detail", args=[p.pk])) for p in (small, large)]
    assert counts[0] == counts[1]
