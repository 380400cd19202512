"""The report's totals come from the counts kept beside each check (checks.counts): they are those of
the findings themselves, under every filter, after checks, moves and deletions; on PostgreSQL the
report's reads are answered by their indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checks.counts import check_totals_refresh
from checks.models import CheckTotal, FilingCheck, RuleCount
from checks.registry import RULES_BY_ID
from checks.report import check_report, totals_by_rule
from checks.selectors import check_totals_for, filing_checks_for, rule_counts_for
from checks.services import filing_check_refresh
from projects.models import Department, Filing

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")


def _as_added_up(user, *, rule_id=None, **narrowed):
    """The report as the view makes it, and the same totals added up from every stored finding."""
    rule = RULES_BY_ID.get(rule_id or "")
    report = check_report(
        totals=check_totals_for(user, **narrowed), counts=rule_counts_for(user, **narrowed), rule=rule
    )
    checks = list(filing_checks_for(user, **narrowed, rule_id=rule_id))
    expected = totals_by_rule(check.finding_list() for check in checks)
    return report, checks, expected


@pytest.mark.parametrize(
    "narrowed",
    [
        {},
        {"year": 2023},
        {"errors_only": True},
        {"rule_id": "row_complete"},
        {"rule_id": "duplicate_names", "errors_only": True},
    ],
)
def test_the_totals_are_those_of_the_findings_under_every_filter(admin_user, samples, narrowed):
    report, checks, expected = _as_added_up(admin_user, **narrowed)
    assert report.filings == len(checks) > 0
    assert report.filings_with_findings == sum(1 for check in checks if check.errors or check.warnings)
    assert [(t.rule.id, t.errors, t.warnings, t.filings) for t in report.totals] == [
        (t.rule.id, t.errors, t.warnings, t.filings) for t in expected
    ]


def test_the_totals_of_a_unit_follow_its_filings_when_checked_moved_and_deleted(admin_user, people, make_filing):
    filings = [make_filing(people.unit_a, name=f"项目{n}", rows_per_category=0) for n in range(3)]
    filing_check_refresh(filings=filings)
    report, checks, _ = _as_added_up(admin_user, department=people.unit_a.pk)
    assert report.filings == 3 and report.errors == sum(check.errors for check in checks) > 0

    moved = filings[0]
    Filing.objects.filter(pk=moved.pk).update(department=people.unit_b)
    moved.refresh_from_db()
    filing_check_refresh(filings=[moved])
    assert _as_added_up(admin_user, department=people.unit_a.pk)[0].filings == 2
    assert _as_added_up(admin_user, department=people.unit_b.pk)[0].filings == 1

    filings[1].delete()
    report, checks, expected = _as_added_up(admin_user, department=people.unit_a.pk)
    assert report.filings == len(checks) == 1
    assert [(t.errors, t.warnings) for t in report.totals] == [(t.errors, t.warnings) for t in expected]


def test_totals_added_up_again_from_scratch_are_the_same(samples):
    def stored():
        return sorted(
            CheckTotal.objects.values_list(
                "department_id",
                "fiscal_year",
                "rule_id",
                "with_errors",
                "filings",
                "with_findings",
                "errors",
                "warnings",
            )
        )

    before = stored()
    check_totals_refresh()
    assert stored() == before and before
    assert RuleCount.objects.filter(rule_id="").count() == FilingCheck.objects.count()


def test_a_units_page_and_a_rules_page_run_as_many_queries_for_sixty_filings_as_for_three(client, people, make_filing):
    client.force_login(people.owner)
    urls = [
        reverse("checks:report"),
        f"{reverse('checks:report')}?rule=row_complete&only=errors",
        f"{reverse('checks:report')}?department={people.unit_a.pk}&page=2",
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    filings = [make_filing(people.unit_a, name=f"项目{n}", rows_per_category=0) for n in range(3)]
    filing_check_refresh(filings=filings)
    few = counts()
    filings += [make_filing(people.unit_a, name=f"项目{n}", rows_per_category=0) for n in range(3, 60)]
    filing_check_refresh(filings=filings)
    assert counts() == few


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@on_postgresql
def test_the_pages_ids_are_read_in_report_order_from_the_index(admin_user, samples):
    plan = _plan(filing_checks_for(admin_user).values_list("pk", flat=True)[:50])
    assert "filing_check_order" in plan, plan


@on_postgresql
def test_a_reviewers_totals_are_read_from_their_units_rows(samples):
    from django.contrib.auth.models import User

    from projects.models import Assignment, Role

    reviewer = User.objects.create_user("totals-reviewer")
    Assignment.objects.create(user=reviewer, department=Department.objects.first(), role=Role.REVIEWER)
    plan = _plan(check_totals_for(reviewer).values("rule_id").order_by())
    assert "one_total_per_unit_year_rule" in plan, plan
    plan = _plan(rule_counts_for(reviewer).filter(rule_id="row_complete").values("filing_id"))
    assert "rule_count_by_unit_year" in plan, plan
