"""Every free text has a length limit, checked by the forms, the admin and the imports and, last, by
the database itself: a text longer than its limit is refused wherever it comes from, and nothing is
stored (a million-character 年度目标 once made every export of its unit fail)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import Indicator
from projects.kinds.base import CELL_TEXT, LONG_TEXT
from projects.kinds.overall import OverallHeader, OverallTask
from projects.kinds.program import ProgramHeader
from projects.kinds.project import ProjectHeader
from projects.models import Transition
from tests.writes.forms import admin_form_data

pytestmark = pytest.mark.django_db

BOUNDED = [
    (ProjectHeader, "policy_basis", LONG_TEXT),
    (ProjectHeader, "calculation_basis", LONG_TEXT),
    (ProjectHeader, "annual_goal", LONG_TEXT),
    (ProjectHeader, "long_term_goal", LONG_TEXT),
    (ProgramHeader, "goal", LONG_TEXT),
    (OverallHeader, "goals", LONG_TEXT),
    (OverallTask, "content", CELL_TEXT),
    (Indicator, "explanation", CELL_TEXT),
    (Transition, "comment", CELL_TEXT),
]


@pytest.mark.parametrize(("model", "field", "limit"), BOUNDED, ids=[f"{m.__name__}.{f}" for m, f, _ in BOUNDED])
def test_the_database_refuses_a_text_one_character_over_its_limit(samples, model, field, limit):
    row = model.objects.order_by("pk").first()
    if row is None:  # no sample has a return reason: a transition of a sample filing is made
        row = Transition.objects.create(
            filing=samples[0], at=samples[0].created_at, from_status="draft", to_status="submitted"
        )
    assert model._meta.get_field(field).max_length == limit  # what the forms and the admin check

    model.objects.filter(pk=row.pk).update(**{field: "字" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "字" * (limit + 1)})


def test_the_admin_refuses_an_explanation_over_its_limit_and_keeps_the_row(admin_client, people, make_filing):
    row = make_filing(people.unit_a).indicators.order_by("pk").first()
    url = reverse("admin:indicators_indicator_change", args=[row.pk])
    data = admin_form_data(admin_client, url)

    response = admin_client.post(url, {**data, "explanation": "长" * (CELL_TEXT + 1)})

    assert response.status_code == 200
    assert "explanation" in response.context["adminform"].form.errors
    assert Indicator.objects.get(pk=row.pk).explanation == row.explanation


def test_the_admin_refuses_a_goal_over_its_limit_on_the_filing_page(admin_client, people, make_filing):
    filing = make_filing(people.unit_a)
    url = reverse("admin:projects_projectfiling_change", args=[filing.pk])
    data = admin_form_data(admin_client, url)
    goal_field = next(name for name in data if name.endswith("annual_goal"))

    response = admin_client.post(url, {**data, goal_field: "长" * (LONG_TEXT + 1)})

    assert response.status_code == 200
    assert ProjectHeader.objects.get(filing=filing).annual_goal == filing.project_header.annual_goal
