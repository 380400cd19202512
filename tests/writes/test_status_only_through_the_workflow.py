"""A filing's state changes only through the review workflow (``projects.services.review``), which
records every step: not on any kind's admin page, not by restoring a past version, not by a list import."""

from __future__ import annotations

import csv
import io

import pytest
import tablib
from django.urls import reverse

from projects.models import Filing, Status
from projects.resources import RESOURCES
from projects.services import review
from projects.services.filing import filing_update
from tests.helpers.filings import header_of, make_overall, make_program, row_inputs
from tests.writes.forms import admin_form_data

pytestmark = pytest.mark.django_db

MAKERS = {"project": None, "program": make_program, "overall": make_overall}


@pytest.fixture(params=list(MAKERS))
def any_filing(request, people, make_filing):
    make = MAKERS[request.param] or make_filing
    return make(people.unit_a)


def test_no_kinds_admin_page_sets_the_state(admin_client, any_filing):
    url = reverse(f"admin:projects_{any_filing.kind}filing_change", args=[any_filing.pk])
    data = admin_form_data(admin_client, url)

    response = admin_client.post(url, {**data, "status": Status.APPROVED, "version": 99})

    assert response.status_code == 302
    stored = Filing.objects.get(pk=any_filing.pk)
    assert (stored.status, stored.version) == (Status.DRAFT, any_filing.version + 1)
    assert not stored.transitions.exists()


def test_a_submitted_filing_is_shown_read_only_in_the_admin_and_cannot_be_saved(admin_client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    url = reverse("admin:projects_projectfiling_change", args=[filing.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, {"name": "改", "opened_version": filing.version})

    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert response.status_code == 403
    assert Filing.objects.get(pk=filing.pk).name == "测试项目"


def test_restoring_a_past_version_in_the_admin_is_refused_and_the_state_stays(admin_client, people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="请补充")
    filing.refresh_from_db()
    # Saving a returned filing records it as 已退回, then takes it back to 草稿.
    filing_update(
        filing=filing, user=people.owner, header=header_of(filing), rows=row_inputs(filing), version=filing.version
    )
    returned = filing.history.filter(status=Status.RETURNED).latest("history_date")
    current = Filing.objects.get(pk=filing.pk)
    assert current.status == Status.DRAFT
    url = reverse("admin:projects_projectfiling_simple_history", args=[filing.pk, returned.history_id])

    shown = admin_client.get(url)
    change = admin_form_data(admin_client, reverse("admin:projects_projectfiling_change", args=[filing.pk]))
    restored = admin_client.post(url, change)

    # The filing's page shows its whole history; no past version is written back.
    assert shown.status_code == 302 and shown.url == reverse("projects:filing_detail", args=[filing.pk])
    assert restored.status_code == 403
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.status, stored.version) == (Status.DRAFT, current.version)
    assert stored.transitions.count() == 3


def test_a_list_import_does_not_set_the_state(admin_user, any_filing):
    resource = RESOURCES[any_filing.kind]
    rows = list(csv.DictReader(io.StringIO(resource().export(queryset=Filing.objects.filter(pk=any_filing.pk)).csv)))
    assert rows[0]["状态"] == "草稿"
    rows[0]["状态"] = "审核通过"
    dataset = _dataset(rows)

    result = resource().import_data(dataset, dry_run=False, user=admin_user)

    assert not result.has_errors() and not result.has_validation_errors()
    stored = Filing.objects.get(pk=any_filing.pk)
    assert stored.status == Status.DRAFT and not stored.transitions.exists()


def _dataset(rows):
    return tablib.Dataset(*[list(row.values()) for row in rows], headers=list(rows[0]))
