import pytest
from django.urls import reverse

from checks.models import FilingCheck, RuleSetting
from indicators.models import FormTemplate
from tests.helpers.samples import FILING_COUNT

pytestmark = pytest.mark.django_db
SEAL_SUBSIDY = "440306210601500000540"


def test_switching_a_rule_off_in_the_admin_rechecks_the_templates_filings(admin_client, samples):
    response = admin_client.post(
        reverse("admin:checks_rulesetting_add"),
        {"template": FormTemplate.default().pk, "rule_id": "cost_target", "enabled": "", "severity": ""},
    )
    assert response.status_code == 302
    assert RuleSetting.objects.get().enabled is False
    check = FilingCheck.objects.get(filing__code=SEAL_SUBSIDY)
    assert check.errors == 0 and "cost_target" not in {f.rule_id for f in check.finding_list()}


def test_deleting_the_setting_brings_the_rule_back(admin_client, samples):
    setting = RuleSetting.objects.create(template=FormTemplate.default(), rule_id="cost_target", enabled=False)
    response = admin_client.post(reverse("admin:checks_rulesetting_delete", args=[setting.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert FilingCheck.objects.get(filing__code=SEAL_SUBSIDY).errors == 1


def test_the_rule_choices_list_every_rule_by_number(admin_client, db):
    response = admin_client.get(reverse("admin:checks_rulesetting_add"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "规则8：成本指标是金额并与预算一致" in content
    assert "规则15：年度主要任务的合计等于各项任务之和" in content


def test_the_check_results_can_be_listed_and_rechecked(admin_client, samples):
    url = reverse("admin:checks_filingcheck_changelist")
    assert admin_client.get(url).status_code == 200
    FilingCheck.objects.update(errors=99)
    check = FilingCheck.objects.get(filing__code=SEAL_SUBSIDY)
    response = admin_client.post(url, {"action": "recheck", "_selected_action": [check.pk]})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.errors == 1
    assert FilingCheck.objects.filter(errors=99).count() == FILING_COUNT - 1
