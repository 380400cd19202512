"""Editing a 三级指标 row on its admin page is a change of its filing, as on the filing page: the
value's parsed parts and the stored checks follow, the version moves and is recorded, and only a 草稿
or 已退回 filing can be changed, against the version the page was opened on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from checks.models import FilingCheck
from indicators.models import Indicator
from projects.models import Filing
from projects.services import review
from tests.writes.forms import admin_form_data
from tests.writes.racing import versions_in_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(people, make_filing):
    return make_filing(people.unit_a)


def _url(row: Indicator) -> str:
    return reverse("admin:indicators_indicator_change", args=[row.pk])


def test_a_changed_value_is_read_again_rechecked_and_moves_the_version(admin_client, admin_user, filing):
    cost = filing.indicators.get(category__name="成本")
    data = admin_form_data(admin_client, _url(cost))

    above_budget = admin_client.post(_url(cost), {**data, "value": "≤1500万元"})

    assert above_budget.status_code == 302
    cost.refresh_from_db()
    assert (cost.comparator, cost.number, cost.unit) == ("≤", 1500, "万元")
    assert FilingCheck.objects.get(filing=filing).errors == 1  # above the 100 万元 of 本年度
    stored = Filing.objects.get(pk=filing.pk)
    assert stored.version == filing.version + 1 and versions_in_history(stored) == [1, 2]
    recorded = stored.history.latest("history_date")
    assert recorded.history_user == admin_user
    assert cost.history.latest("history_date").history_date == recorded.history_date  # one change

    data = admin_form_data(admin_client, _url(cost))
    assert admin_client.post(_url(cost), {**data, "value": "显著"}).status_code == 302

    cost.refresh_from_db()
    assert (cost.value, cost.value_kind, cost.number, cost.unit) == ("显著", "qualitative", None, "")
    assert Filing.objects.get(pk=filing.pk).version == filing.version + 2


def test_a_page_opened_before_the_filing_was_saved_is_refused(admin_client, filing):
    row = filing.indicators.get(category__name="数量")
    data = admin_form_data(admin_client, _url(row))
    Filing.objects.filter(pk=filing.pk).update(version=filing.version + 1)  # saved elsewhere meanwhile

    response = admin_client.post(_url(row), {**data, "value": "≥99个"})

    assert response.status_code == 200
    assert "在您打开本页之后，该申报表已被他人保存（现为第 2 版）" in response.content.decode()
    assert Indicator.objects.get(pk=row.pk).value == "≥10个"


def test_a_row_of_a_submitted_filing_is_read_only(admin_client, people, filing):
    row = filing.indicators.get(category__name="数量")
    data = admin_form_data(admin_client, _url(row))
    review.filing_submit(filing=filing, user=people.owner)

    page = admin_client.get(_url(row))
    response = admin_client.post(_url(row), {**data, "value": "≥99个"})
    added = admin_client.post(reverse("admin:indicators_indicator_add"), {**data, "filing": filing.pk})

    assert not page.context["has_change_permission"] and response.status_code == 403
    assert "filing" in added.context["adminform"].form.errors
    assert Indicator.objects.get(pk=row.pk).value == "≥10个"
    assert filing.indicators.count() == Indicator.objects.filter(filing=filing).count()


def test_deleting_a_row_moves_the_version_and_rechecks(admin_client, filing):
    row = filing.indicators.get(category__name="数量")

    response = admin_client.post(reverse("admin:indicators_indicator_delete", args=[row.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=row.pk).exists()
    assert Filing.objects.get(pk=filing.pk).version == filing.version + 1
    assert FilingCheck.objects.filter(filing=filing).exists()


@pytest.mark.parametrize("page", ["filing", "row"])
def test_a_change_page_posted_without_its_opened_version_is_refused(admin_client, filing, page):
    row = filing.indicators.get(category__name="数量")
    url = _url(row) if page == "row" else reverse("admin:projects_projectfiling_change", args=[filing.pk])
    data = admin_form_data(admin_client, url)
    assert data.pop("opened_version") == filing.version
    changes = {"value": "≥99个"} if page == "row" else {"name": "改名的项目"}

    response = admin_client.post(url, {**data, **changes})

    assert response.status_code == 200
    assert "页面缺少打开时的版本号" in response.content.decode()
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.version, stored.name, Indicator.objects.get(pk=row.pk).value) == (
        filing.version,
        filing.name,
        "≥10个",
    )
