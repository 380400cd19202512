"""The single-filing pages, the reviewer's queue and the unit pages run as many queries for a large
filing, queue or unit as for a small one, and show the stored check results instead of checking again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checks.models import FilingCheck
from checks.services import filing_check_refresh
from indicators.models import Indicator
from projects.models import Department, Filing, Status, Transition
from projects.selectors import review_queue_for
from projects.services.snapshots import filing_snapshot
from projects.views.lists import PAGE_SIZE
from tests.helpers.filings import categories, make_filing, make_overall, make_program

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_rows(filing: Filing, count: int) -> None:
    quantity = categories()[0]
    Indicator.objects.bulk_create(
        Indicator(
            filing=filing, category=quantity, position=100 + n, name=f"指标{n}", value=f"{n}个", explanation="说明"
        )
        for n in range(count)
    )


def _steps(filing: Filing, user, *statuses: str) -> None:
    """Review steps written as the workflow writes them, one minute apart, ending in the last status."""
    start = timezone.now() - timedelta(days=1)
    before = filing.status
    for n, status in enumerate(statuses):
        Transition.objects.create(
            filing=filing, user=user, at=start + timedelta(minutes=n), from_status=before, to_status=status,
            snapshot=filing_snapshot(filing),
        )  # fmt: skip
        before = status
    Filing.objects.filter(pk=filing.pk).update(status=before)


def _small_and_large(people):
    small = make_filing(people.unit_a, name="小项目", rows_per_category=0, with_optional_rows=False)
    large = make_filing(people.unit_a, name="大项目")
    _add_rows(large, 30)
    _steps(large, people.owner, Status.SUBMITTED, Status.RETURNED, Status.DRAFT)
    filing_check_refresh(filings=[small, large])  # as every save does
    return small, large


def test_the_filing_page_runs_as_many_queries_for_30_rows_and_a_long_history_as_for_one_step(client, people):
    small, large = _small_and_large(people)
    client.force_login(people.owner)
    # The people a history names are read in one query, whoever and however many they are; a history
    # that names nobody (a filing only commands wrote) runs none.
    unnamed = _queries(client, reverse("projects:filing_detail", args=[small.pk]))
    _steps(small, people.owner, Status.SUBMITTED)
    few = _queries(client, reverse("projects:filing_detail", args=[small.pk]))
    assert few == unnamed + 1
    assert _queries(client, reverse("projects:filing_detail", args=[large.pk])) == few


def test_the_edit_page_runs_as_many_queries_for_30_rows_and_a_history_as_for_none(client, people):
    small, large = _small_and_large(people)
    client.force_login(people.owner)
    few = _queries(client, reverse("projects:filing_edit", args=[small.pk]))
    assert _queries(client, reverse("projects:filing_edit", args=[large.pk])) == few


def test_the_review_page_runs_as_many_queries_for_a_resubmitted_filing_of_30_rows(client, people):
    small, large = _small_and_large(people)
    Filing.objects.filter(pk=small.pk).update(status=Status.SUBMITTED)
    _steps(large, people.owner, Status.SUBMITTED)
    client.force_login(people.reviewer)
    few = _queries(client, reverse("projects:filing_review", args=[small.pk]))
    assert _queries(client, reverse("projects:filing_review", args=[large.pk])) == few


@pytest.mark.parametrize("page", ["projects:filing_detail", "projects:filing_edit"])
def test_the_filing_and_edit_pages_show_the_stored_findings_without_checking_again(client, people, page):
    filing = make_filing(people.unit_a)
    filing_check_refresh(filings=[filing])
    stored = {"rule_id": "vague_value", "severity": "warning", "field": "name", "indicator_id": None}
    FilingCheck.objects.filter(filing=filing).update(findings=[{**stored, "message": "上次检查记下的提示"}])
    client.force_login(people.owner)
    assert "上次检查记下的提示" in client.get(reverse(page, args=[filing.pk])).content.decode()


def test_a_filing_never_checked_is_checked_when_shown(client, people):
    filing = make_filing(people.unit_a, code="123")  # not a 21-digit code: an error of the checks
    assert not FilingCheck.objects.filter(filing=filing).exists()
    client.force_login(people.owner)
    response = client.get(reverse("projects:filing_detail", args=[filing.pk]))
    assert any(finding.field == "code" for finding in response.context["findings"])


def _queue(people, count: int, *, year: int) -> list[Filing]:
    """``count`` submitted filings of unit A, submitted in an order other than their ids'."""
    filings = [
        make_filing(people.unit_a, name=f"送审{year}-{n}", year=year, rows_per_category=0, with_optional_rows=False)
        for n in range(count)
    ]
    start = timezone.now() - timedelta(days=2)
    order = sorted(range(count), key=lambda n: (n * 7) % count)
    Transition.objects.bulk_create(
        Transition(
            filing=filing,
            user=people.owner,
            at=start + timedelta(minutes=place),
            from_status=Status.DRAFT,
            to_status=Status.SUBMITTED,
        )  # fmt: skip
        for place, filing in zip(order, filings, strict=True)
    )
    Filing.objects.filter(pk__in=[f.pk for f in filings]).update(status=Status.SUBMITTED)
    filing_check_refresh(filings=filings)
    return sorted(filings, key=lambda f: order[filings.index(f)])


def test_the_queue_runs_as_many_queries_for_two_pages_of_filings_as_for_three(client, people):
    client.force_login(people.reviewer)
    url = reverse("projects:review_queue")
    _queue(people, 3, year=2024)
    few = _queries(client, url)
    _queue(people, PAGE_SIZE + 7, year=2025)
    assert _queries(client, url) == few
    assert _queries(client, url + "?page=2") == few
    assert _queries(client, url + "?sort=findings&check=errors") == few


def test_each_page_of_the_queue_lists_the_longest_waiting_first(client, people):
    waiting = _queue(people, PAGE_SIZE + 7, year=2025)
    client.force_login(people.reviewer)
    first = client.get(reverse("projects:review_queue")).context
    second = client.get(reverse("projects:review_queue"), {"page": 2}).context
    shown = [filing for page in (first, second) for filing, _ in page["rows"]]
    assert [f.pk for f in shown] == [f.pk for f in waiting]
    assert first["page"].paginator.count == len(waiting)
    assert shown[0].submitted_at < shown[-1].submitted_at


def _unit_year(department: Department, projects: int) -> None:
    make_overall(department, year=2031, tasks=[(f"项目{n}", D(1000 * (n + 1))) for n in range(projects)])
    program = make_program(department, year=2031, name="一级测试")
    for n in range(projects):
        make_filing(
            department, year=2031, name=f"项目{n}", current_amount=D(1000), program=program, rows_per_category=0
        )


def test_the_unit_year_page_of_a_filer_runs_as_many_queries_for_40_tasks_and_projects_as_for_4(client, people):
    client.force_login(people.owner)
    _unit_year(people.unit_a, 4)
    few = _queries(client, reverse("projects:unit_year", args=[people.unit_a.pk, 2031]))
    _unit_year(people.unit_a_child, 40)
    response = client.get(reverse("projects:unit_year", args=[people.unit_a_child.pk, 2031]))
    assert response.context["can_link"]
    html = response.content.decode()
    # One linking form: its task select (prompt and 40 tasks), its project select (prompt, the 一级 project
    # and the 40 二级 ones); the prompts have an empty value.
    assert html.count('<option value="') == (1 + 40) + (1 + 1 + 40)
    assert _queries(client, reverse("projects:unit_year", args=[people.unit_a_child.pk, 2031])) == few


def test_the_district_page_runs_as_many_queries_for_12_units_as_for_2(client, people):
    client.force_login(people.administrator)
    url = reverse("projects:district") + "?year=2031"
    for n in range(2):
        _unit_year(Department.objects.create(name=f"深圳市测试单位{n}"), 2)
    few = _queries(client, url)
    for n in range(2, 12):
        _unit_year(Department.objects.create(name=f"深圳市测试单位{n}"), 2)
    assert _queries(client, url) == few
    rows = client.get(url).context["rows"]
    assert len(rows) == 12 and {row.projects for row in rows} == {2}
    assert {row.current for row in rows} == {D(2000)} and {row.filings for row in rows} == {4}


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")


@on_postgresql
def test_the_queue_finds_each_filings_last_submission_by_the_transitions_index(people):
    _queue(people, 3, year=2024)
    query = review_queue_for(people.reviewer).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index = next(i.name for i in Transition._meta.indexes if i.fields == ["filing", "to_status", "at"])
    assert index in plan, plan
