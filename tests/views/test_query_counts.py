"""Pages run a fixed number of queries, however many rows they show."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checks.services import filing_check_refresh
from indicators.models import Indicator
from tests.helpers.filings import categories, make_overall

pytestmark = pytest.mark.django_db

# The count of unread notices in the navigation (notices.context_processors).
NAV_QUERIES = 1
# Session and user, scope (the administrator group and the units of every role in one query, which
# also tell the menu's roles and whether the user files anywhere), filter choices (years, types,
# units), count, the page's ids then its rows.
FILING_LIST_QUERIES = 10 + NAV_QUERIES
# Session and user, scope (one query, which also tells the menu's roles), the filing, its header, the
# template's categories, rows, unit choices (two), the 一级项目 choices, the stored filing checks shown
# beside fields and rows, and the step that returned it, if it was.
EDIT_PAGE_QUERIES = 11 + NAV_QUERIES


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _make_filings(people, make_filing, count):
    for number in range(count):
        make_filing(
            people.unit_a,
            name=f"项目{number}",
            rows_per_category=0,
            with_optional_rows=False,
            project_type=f"类型{number % 3}",
        )


def test_the_filing_list_of_50_rows_runs_as_many_queries_as_one_of_5(
    client, people, make_filing, django_assert_num_queries
):
    client.force_login(people.owner)
    url = reverse("projects:filing_list")
    _make_filings(people, make_filing, 5)
    few = _queries(client, url)
    _make_filings(people, make_filing, 45)
    with django_assert_num_queries(FILING_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert few == FILING_LIST_QUERIES


def _add_rows(filing, count):
    quantity = categories()[0]
    Indicator.objects.bulk_create(
        Indicator(
            filing=filing, category=quantity, position=100 + n, name=f"补充指标{n}", value="1个", explanation="说明"
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
    filing_check_refresh(filings=[small, large])  # as every save does
    few = _queries(client, reverse("projects:filing_edit", args=[small.pk]))
    with django_assert_num_queries(EDIT_PAGE_QUERIES):
        response = client.get(reverse("projects:filing_edit", args=[large.pk]))
    assert sum(len(block.forms) for level in response.context["levels"] for block in level.blocks) == 30
    assert few == EDIT_PAGE_QUERIES


def test_the_filing_page_with_its_history_runs_a_fixed_number_of_queries(client, people, make_filing):
    client.force_login(people.owner)
    small, large = make_filing(people.unit_a, rows_per_category=0), make_filing(people.unit_a)
    _add_rows(large, 20)
    counts = [_queries(client, reverse("projects:filing_detail", args=[p.pk])) for p in (small, large)]
    assert counts[0] == counts[1]


def test_the_edit_page_of_an_overall_filing_with_12_tasks_runs_as_many_queries_as_with_2(client, people):
    client.force_login(people.owner)
    few_tasks = make_overall(people.unit_a)
    many_tasks = make_overall(people.unit_a_child, tasks=[(f"任务{n}", Decimal(1000 * n)) for n in range(1, 13)])
    few = _queries(client, reverse("projects:filing_edit", args=[few_tasks.pk]))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("projects:filing_edit", args=[many_tasks.pk]))
    assert len(response.context["tasks"].forms) == 12
    assert len(captured) == few
