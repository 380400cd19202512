"""The list's pages are read in two steps (projects/paging.py) and its filter choices by index probes
(projects/choices.py): the same pages and choices as the plain queries give."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db.models import F

from projects.choices import filing_years, project_types
from projects.kinds.project import ProjectHeader
from projects.models import Filing
from projects.paging import TwoStepPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def filings(people, make_filing):
    made = [
        make_filing(unit, year=year, project_type=kind, current_amount=amount)
        for unit, year, kind, amount in [
            (people.unit_a, 2024, "15 其他经费", Decimal(100)),
            (people.unit_a, 2024, "12 专项经费", Decimal(300)),
            (people.unit_b, 2023, "15 其他经费", None),
            (people.unit_b, 2025, "", Decimal(300)),
            (people.unit_a, 2023, "12 专项经费", Decimal(50)),
            (people.unit_b, 2024, "15 其他经费", Decimal(75)),
            (people.unit_a, 2025, "13 信息化", None),
        ]
    ]
    return Filing.objects.filter(pk__in=[filing.pk for filing in made])


@pytest.mark.parametrize(
    "order",
    [
        ("-fiscal_year", "department_id", "code", "name", "pk"),
        (F("project_header__current_amount").desc(nulls_last=True), "-fiscal_year", "pk"),
        (F("project_header__current_amount").asc(nulls_last=True), "code", "pk"),
    ],
)
def test_every_page_holds_the_rows_a_plain_paginator_gives_from_either_end(filings, order):
    ordered = filings.order_by(*order)
    plain = Paginator(ordered, 2)
    two_step = TwoStepPaginator(ordered, 2, count=ordered.count(), rows=lambda rows: rows.select_related("department"))

    assert two_step.num_pages == plain.num_pages == 4
    for number in plain.page_range:
        assert [f.pk for f in two_step.page(number)] == [f.pk for f in plain.page(number)], number
    assert two_step.get_page(99).number == 4 and len(two_step.get_page(99)) == 1


def test_the_choices_are_the_distinct_years_and_types(filings):
    for kind in ("project", "program", "overall"):
        stored = Filing.objects.filter(kind=kind).values_list("fiscal_year", flat=True)
        assert filing_years(kind) == sorted(set(stored), reverse=True)
    assert {2023, 2024, 2025} <= set(filing_years("project"))
    assert filing_years("no such kind") == []
    stored = ProjectHeader.objects.exclude(project_type="").values_list("project_type", flat=True)
    assert project_types() == sorted(set(stored))
    assert {"12 专项经费", "13 信息化", "15 其他经费"} <= set(project_types())
