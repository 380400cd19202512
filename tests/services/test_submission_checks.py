"""送审 is refused while the filing checks find errors; warnings never block."""

import pytest

from checks.services import filing_check_refresh
from projects.models import Status
from projects.services import review
from projects.services.filing import filing_update
from projects.services.rows import RowInput

pytestmark = pytest.mark.django_db


def _rows(project, **changes_by_name):
    rows = []
    for row in project.indicators.order_by("position"):
        value = changes_by_name.get(row.name, row.value)
        rows.append(
            RowInput(
                id=row.pk,
                category_id=row.category_id,
                name=row.name,
                value=value,
                explanation=row.explanation,
                not_applicable=row.not_applicable,
            )
        )
    return rows


def _with_futian_code(project):
    # Unit A is in 宝安区, whose codes start 440306; 440304 is 福田区's.
    project.code = "440304" + project.code[6:]
    project.save()
    return project


def test_a_complete_filing_with_a_cost_above_its_budget_cannot_be_submitted(people, make_filing):
    project = make_filing(people.unit_a)  # 本年度 1,000,000 元
    project.indicators.filter(name="成本指标1").update(value="≤150万元")
    with pytest.raises(review.TransitionError) as refused:
        review.filing_submit(filing=project, user=people.owner)
    problems = refused.value.problems
    cost_row = project.indicators.get(name="成本指标1")
    assert [p.indicator_id for p in problems] == [cost_row.pk]
    assert "成本" in problems[0].message
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_a_code_of_another_district_blocks_submission_against_the_code_field(people, make_filing):
    project = _with_futian_code(make_filing(people.unit_a))
    problems = review.submission_problems(project)
    assert [p.field for p in problems] == ["code"]


def test_warnings_alone_do_not_block_submission(people, make_filing):
    project = make_filing(people.unit_a)
    project.indicators.filter(name="数量指标1").update(value="≤10个")  # rule 6: a 数量 upper bound
    review.filing_submit(filing=project, user=people.owner)
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_missing_items_and_check_errors_are_listed_together(people, make_filing):
    project = _with_futian_code(make_filing(people.unit_a, project_type=""))
    assert [p.field for p in review.submission_problems(project)] == ["project_type", "code"]


def test_saving_on_the_filing_page_stores_the_read_value_and_refreshes_the_check(people, make_filing):
    project = make_filing(people.unit_a)
    filing_check_refresh(filings=[project])
    assert project.filing_check.errors == 0
    filing_update(
        filing=project,
        user=people.owner,
        header={},
        rows=_rows(project, 成本指标1="≤150万元"),
        version=project.version,
    )
    project.refresh_from_db()
    project.filing_check.refresh_from_db()
    assert project.filing_check.errors == 1
    cost = project.indicators.get(name="成本指标1")
    assert (cost.value_kind, cost.comparator, cost.number, cost.unit) == ("quantity", "≤", 150, "万元")
