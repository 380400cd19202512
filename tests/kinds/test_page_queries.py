"""The pages of 一级 and 部门整体 filings run a fixed number of queries, however many rows, tasks or
filings they show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checks.services import filing_check_refresh
from indicators.models import Indicator
from projects.models import Filing, OverallTask
from projects.services.review import filing_submit
from tests.helpers.filings import categories, make_overall, make_program

pytestmark = pytest.mark.django_db

# The counts in the navigation (notices.context_processors): unread notices on every page, and the
# filings waiting in 待我审核 for a reviewer.
FILER_NAV, REVIEWER_NAV = 1, 2
# Session and user, scope (the administrator group and the units of every role in one query, which
# also tell the menu's roles), filter choices (years, units), count, the page's ids then its rows.
LIST_QUERIES = 9 + FILER_NAV
# The filing, then its header with the units it names (selectors.filing_for). The 部门整体 pages read its
# tasks and its 主管部门 besides what the 一级 pages read. Each page shows the findings stored by the last
# check (one query), not the rules run again (for a 部门整体 form, with the unit-year's projects it is
# compared with).
DETAIL_QUERIES = {"program": 12 + FILER_NAV, "overall": 14 + FILER_NAV}
# The edit page also reads the step that returned the filing, if it was (its reason is shown on top).
EDIT_QUERIES = {"program": 10 + FILER_NAV, "overall": 12 + FILER_NAV}
REVIEW_QUERIES = {"program": 9 + REVIEWER_NAV, "overall": 10 + REVIEWER_NAV}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(filing: Filing, count: int) -> None:
    """``count`` more indicator rows and, on a 部门整体 form, tasks."""
    quantity = next(c for c in categories(filing.template) if c.name == "数量")
    Indicator.objects.bulk_create(
        Indicator(filing=filing, category=quantity, position=100 + n, name=f"补充指标{n}", value=f"≥{n}个")
        for n in range(count)
    )
    if filing.kind == "overall":
        OverallTask.objects.bulk_create(
            OverallTask(filing=filing, position=100 + n, name=f"补充任务{n}", total_amount=Decimal(n))
            for n in range(count)
        )
    filing_check_refresh(filings=[filing])


@pytest.mark.parametrize("kind", ["program", "overall"])
def test_the_list_of_a_kind_runs_as_many_queries_for_40_filings_as_for_4(client, people, kind):
    def make(numbers):
        for number in numbers:
            if kind == "program":
                make_program(people.unit_a, name=f"一级项目{number}")
            else:
                make_overall(people.unit_a, year=2000 + number)

    client.force_login(people.owner)
    url = reverse("projects:filing_list") + f"?kind={kind}"
    make(range(4))
    few = _queries(client, url)
    make(range(4, 40))
    assert _queries(client, url) == few == LIST_QUERIES


@pytest.fixture(params=["program", "overall"])
def filing(request, people):
    made = make_program(people.unit_a) if request.param == "program" else make_overall(people.unit_a)
    filing_check_refresh(filings=[made])  # as every save does: the pages show the stored findings
    return made


@pytest.mark.parametrize(("page", "expected"), [("filing_detail", DETAIL_QUERIES), ("filing_edit", EDIT_QUERIES)])
def test_the_filer_pages_run_as_many_queries_for_60_rows_as_for_a_few(client, people, filing, page, expected):
    client.force_login(people.owner)
    url = reverse(f"projects:{page}", args=[filing.pk])
    few = _queries(client, url)
    _grow(filing, 60)
    assert _queries(client, url) == few == expected[filing.kind]


def test_the_review_page_runs_as_many_queries_for_60_rows_as_for_a_few(client, people, filing):
    filing_submit(filing=filing, user=people.owner)
    client.force_login(people.reviewer)
    url = reverse("projects:filing_review", args=[filing.pk])
    few = _queries(client, url)
    _grow(filing, 60)
    assert _queries(client, url) == few == REVIEW_QUERIES[filing.kind]
