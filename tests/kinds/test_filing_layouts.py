"""A filing's layout is read with its template: a change of the template (in the admin, by another
process) shows at once, with no copy kept in a process."""

import json

import pytest
from django.urls import reverse

from indicators.models import FormTemplate
from jobs.models import Job
from projects.models import Filing
from projects.services.imports import import_filings, read_source
from tests.helpers.provinces import SICHUAN

pytestmark = pytest.mark.django_db


def test_a_template_changed_elsewhere_shows_in_the_next_reading_of_its_filings(empty_database):
    (filing,) = import_filings(sources=[read_source(SICHUAN)], year=2023).created
    assert Filing.objects.get(pk=filing.pk).form_kind.indicators.headings[-1] == "指标方向性"
    # As another process would change it: no signal reaches this one.
    FormTemplate.objects.filter(code="sc-2023").update(columns=["name", "nature", "value", "measure", "weight"])
    assert Filing.objects.get(pk=filing.pk).form_kind.indicators.headings[-1] == "权重"


def test_saving_a_template_in_the_admin_rechecks_its_filings(admin_client, empty_database):
    sichuan = FormTemplate.objects.get(code="sc-2023")
    url = reverse("admin:indicators_formtemplate_change", args=[sichuan.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data["weights_total"] = "80"
    data.update({"level1_categories-TOTAL_FORMS": 0, "level1_categories-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FormTemplate.objects.get(pk=sichuan.pk).weights_total == 80
    assert Job.objects.filter(kind="recheck", key=f"recheck:{sichuan.pk}").exists()


def _template_post(admin_client, template: FormTemplate, **changes):
    url = reverse("admin:indicators_formtemplate_change", args=[template.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update({"level1_categories-TOTAL_FORMS": 0, "level1_categories-INITIAL_FORMS": 0, **changes})
    return admin_client.post(url, data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"extra_header": json.dumps([{"label": f"栏目{n}"} for n in range(41)])}, "增加的表头栏目最多 40 个"),
        ({"extra_header": '[{"label": "年度目标"}]'}, "与本类申报表已有的栏目同名：年度目标"),
        ({"omitted_fields": '["department"]'}, "不能去掉识别和保存申报表必需的栏目：department"),
        ({"kind": "overall"}, "已有申报表使用该表样，不能改变其申报表类型"),
    ],
)
def test_the_template_admin_refuses_a_layout_no_import_could_read(admin_client, empty_database, changes, message):
    import_filings(sources=[read_source(SICHUAN)], year=2023)
    sichuan = FormTemplate.objects.get(code="sc-2023")
    response = _template_post(admin_client, sichuan, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FormTemplate.objects.get(pk=sichuan.pk).layout() == sichuan.layout()
