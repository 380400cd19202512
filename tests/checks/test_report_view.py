import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from projects.models import Assignment, Department, Role
from tests.helpers.samples import FILING_COUNT

pytestmark = pytest.mark.django_db


@pytest.fixture
def futian_filer(client, samples):
    user = User.objects.create_user("futian", password="x")
    centre = Department.objects.get(name="深圳市福田区政务服务中心")
    Assignment.objects.create(user=user, department=centre, role=Role.FILER)
    client.force_login(user)
    return client


def test_the_report_asks_for_a_login(client):
    response = client.get(reverse("checks:report"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_report_shows_totals_by_rule_over_every_filing_to_an_administrator(admin_client, samples):
    response = admin_client.get(reverse("checks:report"))
    assert response.status_code == 200
    assert len(response.context["checks"]) == FILING_COUNT
    assert {check.filing.kind for check in response.context["checks"]} == {"project", "program", "overall"}
    totals = {total.rule.number: total for total in response.context["totals"]}
    assert totals[13].errors == 2 and totals[13].filings == 2
    assert (totals[15].errors, totals[15].filings) == (0, 0)  # both 部门整体 samples add their tasks up
    content = response.content.decode()
    assert "三级指标名称重复" in content and "年度主要任务的合计等于各项任务之和" in content
    # The list is paged (tests/checks/test_report_pages.py); the filing is among the report's rows.
    assert "新区对口支援专项资金" in {check.filing.name for check in response.context["checks"]}


def test_a_filer_sees_only_the_filings_of_their_unit(futian_filer):
    response = futian_filer.get(reverse("checks:report"))
    codes = {check.filing.code for check in response.context["checks"]}
    assert len(codes) == 12 and all(code.startswith("440304") for code in codes)
    assert "新开办企业刻制公章补贴经费" not in response.content.decode()


def test_the_report_filters_by_rule_year_and_errors(admin_client, samples):
    url = reverse("checks:report")
    response = admin_client.get(url, {"rule": "duplicate_names"})
    assert {c.filing.name for c in response.context["checks"]} == {"民意速办", "深汕特别合作区大数据融合创新服务"}
    response = admin_client.get(url, {"year": "2023", "only": "errors"})
    checks = response.context["checks"]
    assert checks and all(c.filing.fiscal_year == 2023 and c.errors for c in checks)
    errors = [c.errors for c in checks]
    assert errors == sorted(errors, reverse=True)
    response = admin_client.get(url, {"year": "2021"})
    assert sorted(c.filing.kind for c in response.context["checks"]) == ["overall"] + ["program"] * 7
