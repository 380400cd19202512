"""The filing, review and new-filing pages follow the filing's layout: its header fields (those it adds,
renames and leaves out), the labels no layout knows, and the columns of its indicator table."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.models import FormTemplate, Indicator
from projects.models import Filing, Role, Status, Transition
from projects.services.accounts import assignment_grant
from projects.services.imports import import_filings, read_source
from projects.services.snapshots import filing_snapshot
from tests.helpers.page_forms import filing_post_data
from tests.helpers.provinces import GANSU, HUNAN, SICHUAN

pytestmark = pytest.mark.django_db


def _imported(path: Path, people, year: int = 2023) -> Filing:
    """The form of ``path`` as imported, filed by the owner and reviewed by the reviewer."""
    (filing,) = import_filings(sources=[read_source(path)], year=year).created
    filing = Filing.objects.get(pk=filing.pk)
    assignment_grant(user=people.owner, department=filing.department, role=Role.FILER)
    assignment_grant(user=people.reviewer, department=filing.department, role=Role.REVIEWER)
    return filing


@pytest.fixture
def owner_client(client, people):
    client.force_login(people.owner)
    return client


def _detail(client: Client, filing: Filing) -> str:
    response = client.get(reverse("projects:filing_detail", args=[filing.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _edit_url(filing: Filing) -> str:
    return reverse("projects:filing_edit", args=[filing.pk])


def _table(html: str) -> str:
    return html[html.index('class="indicator-sheet') :]


def _row_prefix(data: dict, name: str) -> str:
    """The prefix of the row form of the indicator named ``name``."""
    key = next(key for key, value in data.items() if key.endswith("-name") and value == name)
    return key.removesuffix("name")


def test_a_sichuan_filing_shows_its_own_columns_and_header(owner_client, people):
    filing = _imported(SICHUAN, people)
    html = _detail(owner_client, filing)
    assert "部门预算项目绩效目标申报表" in html and "表样：部门预算项目绩效目标申报表（四川一体化）" in html
    headings = "".join(
        f"<th>{heading}</th>" for heading in ("三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性")
    )
    assert f"<th>一级指标</th><th>二级指标</th>{headings}</tr>" in html
    table = _table(html)
    row = table[table.index("维护社会稳定") :]
    cells = [cell.split(">", 1)[1].split("<", 1)[0].strip() for cell in row.split("<td")[1:6]]
    assert cells == ["≥", "95", "%", "10", "正向指标"]
    assert "<th>部门预算数</th><td" in html and "8,827,620.53" in html
    # The fields the layout does not have are not shown, empty or not.
    assert "实施期限" not in html and "分配方式" not in html and "指标解释" not in table


def test_a_gansu_filing_shows_the_fields_its_layout_adds_renames_and_leaves_out(owner_client, people):
    filing = _imported(GANSU, people)
    html = _detail(owner_client, filing)
    for label, value in [
        ("项目分类", "专项工作经费"),
        ("项目类型", "新增项目"),
        ("项目开始日期", "2023-01-01"),
        ("资金用途", "业务类项目"),
        ("其他资金", "20万元"),
        ("组织实施单位", "甘肃省文物局"),
        ("基本情况", "保障博物馆正常运转"),
    ]:
        assert f"<th>{label}</th><td" in html and value in html
    assert "是否新增项目" not in html and "实施期限" not in html and "长期目标" not in html
    # Every label the form wrote is one of its layout's; only the 一级项目 it names, not filed yet, is kept beside.
    assert "其他栏目" in html and "一级项目名称（未关联）" in html and "文化事业发展专项资金" in html
    table = _table(html)
    assert 'class="level1">成本指标</th>' in table and "经济成本指标" in table


def test_the_labels_no_layout_knows_show_as_other_fields(owner_client, people):
    filing = _imported(HUNAN, people, year=2022)
    html = _detail(owner_client, filing)
    others = html[html.index('id="other-fields"') : html.index('class="indicator-sheet')]
    assert "<th>项目负责人及电话</th>" in others and "彭兵" in others
    assert "<th>其中：财政拨款</th>" in others


def test_a_column_a_row_fills_shows_where_the_layout_lacks_it(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    assert "<th>权重</th>" not in _detail(owner_client, filing)  # a Shenzhen form: its three columns
    filing.indicators.filter(name="数量指标1").update(weight=Decimal("12.50"))
    html = _detail(owner_client, filing)
    assert "<th>指标值</th><th>指标解释</th><th>权重</th></tr>" in html
    assert "12.5" in _table(html)


def test_a_column_a_row_fills_is_edited_and_kept_where_the_layout_lacks_it(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    filing.indicators.filter(name="数量指标1").update(weight=Decimal(30))
    page = owner_client.get(_edit_url(filing))
    assert [column.label for column in page.context["columns"]] == ["三级指标", "指标值", "指标解释", "权重"]
    data = filing_post_data(page)
    data[f"{_row_prefix(data, '质量指标1')}weight"] = "20"
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    weights = dict(filing.indicators.exclude(weight=None).values_list("name", "weight"))
    assert weights == {"数量指标1": Decimal(30), "质量指标1": Decimal(20)}


def test_the_review_page_shows_the_layouts_columns(client, people):
    filing = _imported(SICHUAN, people)
    Filing.objects.filter(pk=filing.pk).update(status=Status.SUBMITTED)
    client.force_login(people.reviewer)
    html = client.get(reverse("projects:filing_review", args=[filing.pk])).content.decode()
    assert "<th>指标性质</th><th>指标值</th><th>度量单位</th><th>权重</th><th>指标方向性</th>" in html
    assert "正向指标" in _table(html)


def test_the_edit_page_of_a_sichuan_filing_has_its_columns(owner_client, people):
    filing = _imported(SICHUAN, people)
    response = owner_client.get(_edit_url(filing))
    assert [column.name for column in response.context["columns"]] == [
        "name",
        "nature",
        "value",
        "measure",
        "weight",
        "direction",
    ]
    html = response.content.decode()
    assert 'name="rows-0-weight"' in html and 'inputmode="decimal"' in html
    assert 'list="column-nature"' in html and '<datalist id="column-nature">' in html
    assert "各条指标的权重合计应为 90（另 10 分为预算执行率）" in html
    form = response.context["form"]
    assert form.fields["extra_1"].label == "部门预算数" and form["extra_1"].value() == "8,827,620.53"
    assert "duration_years" not in form.fields and "policy_basis" not in form.fields


def test_a_weight_and_a_nature_changed_on_the_page_are_saved_and_the_target_read_again(owner_client, people):
    filing = _imported(SICHUAN, people)
    data = filing_post_data(owner_client.get(_edit_url(filing)))
    row = _row_prefix(data, "维护社会稳定")
    data[f"{row}weight"], data[f"{row}nature"] = "１５", "≤"
    response = owner_client.post(_edit_url(filing), data)
    assert response.status_code == 302
    stored = Indicator.objects.get(filing=filing, name="维护社会稳定")
    assert (stored.weight, stored.nature, stored.value, stored.measure) == (Decimal(15), "≤", "95", "%")
    assert (stored.comparator, stored.number, stored.unit) == ("≤", 95, "%")
    assert Filing.objects.get(pk=filing.pk).version == 2
    # The page's other rows keep what they held.
    other = Indicator.objects.get(filing=filing, name="维持时效")
    assert (other.weight, other.nature, other.measure, other.direction) == (Decimal(20), "≥", "年", "正向指标")

    history = _detail(owner_client, filing)
    history = history[history.index('id="history"') :]
    assert '<td>权重</td><td class="before">10</td><td class="after">15</td>' in history
    assert '<td>指标性质</td><td class="before">≥</td><td class="after">≤</td>' in history


@pytest.mark.parametrize(("typed", "message"), [("150", "权重应为 0 到 100 之间的数"), ("十", "不是数字")])
def test_a_weight_out_of_bounds_is_refused_and_nothing_saved(owner_client, people, typed, message):
    filing = _imported(SICHUAN, people)
    data = filing_post_data(owner_client.get(_edit_url(filing)))
    data[f"{_row_prefix(data, '维护社会稳定')}weight"] = typed
    response = owner_client.post(_edit_url(filing), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Indicator.objects.get(filing=filing, name="维护社会稳定").weight == 10
    assert Filing.objects.get(pk=filing.pk).version == 1


def test_a_stale_save_of_a_sichuan_filing_is_refused_as_any_other(people):
    filing = _imported(SICHUAN, people)
    assignment_grant(user=people.colleague, department=filing.department, role=Role.FILER)
    first, second = Client(), Client()
    first.force_login(people.owner)
    second.force_login(people.colleague)
    first_data = filing_post_data(first.get(_edit_url(filing)))
    second_data = filing_post_data(second.get(_edit_url(filing)))
    first_data[f"{_row_prefix(first_data, '维护社会稳定')}weight"] = "20"
    second_data[f"{_row_prefix(second_data, '维护社会稳定')}weight"] = "30"
    assert first.post(_edit_url(filing), first_data).status_code == 302
    refused = second.post(_edit_url(filing), second_data)
    assert refused.status_code == 409
    assert Indicator.objects.get(filing=filing, name="维护社会稳定").weight == 20
    assert Filing.objects.get(pk=filing.pk).version == 2


def test_a_code_of_the_layouts_shape_is_accepted_and_another_refused(owner_client, people, make_filing):
    filing = _imported(SICHUAN, people)
    data = filing_post_data(owner_client.get(_edit_url(filing)), code="51092324T000010263357")
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    assert Filing.objects.get(pk=filing.pk).code == "51092324T000010263357"
    shenzhen = make_filing(people.unit_a)
    data = filing_post_data(owner_client.get(_edit_url(shenzhen)), code="44030624T000010263357")
    response = owner_client.post(_edit_url(shenzhen), data)
    assert response.status_code == 200 and "应为21位数字" in response.content.decode()


def test_the_fields_a_layout_adds_are_edited_on_the_page(owner_client, people):
    filing = _imported(GANSU, people)
    page = owner_client.get(_edit_url(filing))
    names = {page.context["form"].fields[name].label: name for name in page.context["form"].fields}
    assert page.context["form"].fields[names["项目类型"]].widget.choices[1:] == [
        ("true", "新增项目"),
        ("false", "延续项目"),
    ]
    data = filing_post_data(page, **{names["资金用途"]: "运转类项目", names["项目实施计划"]: "一季度完成招标"})
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    stored = Filing.objects.get(pk=filing.pk)
    assert stored.extra_fields["资金用途"] == "运转类项目"
    assert stored.extra_fields["项目实施计划"] == "一季度完成招标"
    assert stored.extra_fields["监督管理单位"] == "嘉峪关文旅局"
    assert list(stored.extra_fields) == list(filing.extra_fields)  # in the form's order


def test_an_amount_the_layout_adds_must_be_one_amount_on_the_page_too(owner_client, people):
    filing = _imported(GANSU, people)
    page = owner_client.get(_edit_url(filing))
    names = {page.context["form"].fields[name].label: name for name in page.context["form"].fields}
    refused = owner_client.post(_edit_url(filing), filing_post_data(page, **{names["其他资金"]: "很多钱"}))
    assert refused.status_code == 200
    assert "其他资金「很多钱」不是一个金额" in refused.content.decode()
    assert Filing.objects.get(pk=filing.pk).extra_fields["其他资金"] == "20万元"
    saved = owner_client.post(_edit_url(filing), filing_post_data(page, **{names["其他资金"]: "18.5万元"}))
    assert saved.status_code == 302
    assert Filing.objects.get(pk=filing.pk).extra_fields["其他资金"] == "18.5万元"


def test_the_labels_no_layout_knows_are_edited_under_their_label(owner_client, people):
    filing = _imported(HUNAN, people, year=2022)
    page = owner_client.get(_edit_url(filing))
    cells = {cell["label"]: cell["field"] for cell in page.context["form"].other_cells}
    assert cells["项目负责人及电话"].value() == "彭兵"
    html = page.content.decode()
    assert "其他栏目" in html and f'for="{cells["项目负责人及电话"].id_for_label}"' in html
    data = filing_post_data(page, **{cells["项目负责人及电话"].html_name: "彭兵 0730-1234567"})
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    stored = Filing.objects.get(pk=filing.pk)
    assert stored.extra_fields["项目负责人及电话"] == "彭兵 0730-1234567"
    assert set(stored.extra_fields) == set(filing.extra_fields)
    history = _detail(owner_client, filing)
    assert '<td>项目负责人及电话</td><td class="before">彭兵</td>' in history


def test_a_new_filing_is_made_in_the_layout_chosen_on_its_page(owner_client, people):
    url = reverse("projects:filing_create", kwargs={"kind": "project"})
    page = owner_client.get(url)
    html = page.content.decode()
    assert 'name="layout"' in html and "部门预算项目绩效目标申报表（四川一体化）" in html
    assert page.context["layout"].code == "sz-2020" and "duration_years" in page.context["form"].fields

    page = owner_client.get(url, {"layout": "sc-2023"})
    form = page.context["form"]
    assert form.fields["extra_1"].label == "部门预算数" and "duration_years" not in form.fields
    assert [column.label for column in page.context["columns"]][1:3] == ["指标性质", "指标值"]
    data = filing_post_data(
        page, code="51112423T000000000009", name="新建的四川项目", department=people.unit_a.pk, extra_1="1,000.00"
    )
    data["layout"] = "sc-2023"  # the page's hidden input: the layout it was opened in
    data.update({"rows-0-name": "发放人数", "rows-0-nature": "≥", "rows-0-value": "230", "rows-0-measure": "人"})
    data["rows-0-weight"] = "10"
    response = owner_client.post(url, data)
    filing = Filing.objects.get(name="新建的四川项目")
    assert response.url == _edit_url(filing)
    assert filing.template.code == "sc-2023" and filing.extra_fields == {"部门预算数": "1,000.00"}
    row = filing.indicators.get()
    assert (row.nature, row.value, row.measure, row.weight, row.comparator, row.number) == (
        "≥",
        "230",
        "人",
        Decimal(10),
        "≥",
        230,
    )


def test_a_new_filing_takes_the_layout_of_the_filers_units(owner_client, people):
    sichuan = FormTemplate.objects.get(code="sc-2023")
    for unit in (people.unit_a, people.unit_a_child):
        unit.template = sichuan
        unit.save()
    page = owner_client.get(reverse("projects:filing_create", kwargs={"kind": "project"}))
    assert page.context["layout"].code == "sc-2023"
    assert 'value="sc-2023" selected' in page.content.decode()


def test_the_review_page_shows_a_changed_weight_since_the_return(client, people):
    filing = _imported(SICHUAN, people)
    # Returned by the reviewer, as the review service would record it.
    Transition.objects.create(
        filing=filing,
        user=people.reviewer,
        at=timezone.now(),
        from_status=Status.SUBMITTED,
        to_status=Status.RETURNED,
        comment="权重请调整",
        snapshot=filing_snapshot(filing),
    )
    Filing.objects.filter(pk=filing.pk).update(status=Status.RETURNED)
    client.force_login(people.owner)
    data = filing_post_data(client.get(_edit_url(filing)))
    data[f"{_row_prefix(data, '维持时效')}weight"] = "10"
    data[f"{_row_prefix(data, '维持时效')}nature"] = "="
    assert client.post(_edit_url(filing), data).status_code == 302
    Filing.objects.filter(pk=filing.pk).update(status=Status.SUBMITTED)

    client.force_login(people.reviewer)
    response = client.get(reverse("projects:filing_review", args=[filing.pk]))
    (change,) = response.context["diff"].rows
    assert (change.row["name"], change.columns) == ("维持时效", ["指标性质", "权重"])
    html = response.content.decode()
    changes = html[html.index('id="changes"') :]
    assert "<th>指标性质</th><th>指标值</th><th>度量单位</th><th>权重</th><th>指标方向性</th>" in changes
    assert '<td class="before">20</td>' in changes and '<td class="after">10</td>' in changes


def test_the_unit_admin_page_edits_the_units_layout_and_code(admin_client, people):
    url = reverse("admin:projects_department_change", args=[people.unit_b.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="template"' in html and 'name="code"' in html and "（默认表样）" in html
    sichuan = FormTemplate.objects.get(code="sc-2023")
    data = {"name": people.unit_b.name, "code": "820001", "district": people.unit_b.district, "template": sichuan.pk}
    assert admin_client.post(url, data).status_code == 302
    people.unit_b.refresh_from_db()
    assert (people.unit_b.code, people.unit_b.template) == ("820001", sichuan)


def test_the_template_admin_page_shows_the_layout_as_the_form_prints_it(admin_client):
    sichuan = FormTemplate.objects.get(code="sc-2023")
    url = reverse("admin:indicators_formtemplate_change", args=[sichuan.pk])
    html = admin_client.get(url).content.decode()
    assert "一级指标 · 二级指标 · 三级指标 · 指标性质 · 指标值 · 度量单位 · 权重 · 指标方向性" in html
    assert "部门预算数" in html and "实施期限" in html  # added; left out, by its label
    listing = admin_client.get(reverse("admin:indicators_formtemplate_changelist")).content.decode()
    assert "sc-2023" in listing and "gs-2023" in listing


def test_the_template_admin_refuses_a_column_no_form_has(admin_client):
    sichuan = FormTemplate.objects.get(code="sc-2023")
    url = reverse("admin:indicators_formtemplate_change", args=[sichuan.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    for name in ("columns", "extra_header", "field_labels", "omitted_fields"):
        data[name] = form[name].value()
    data["columns"] = '["name", "value", "colour"]'
    data.update({"level1_categories-TOTAL_FORMS": 0, "level1_categories-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "没有这些栏目：colour" in response.content.decode()
    sichuan.refresh_from_db()
    assert "colour" not in sichuan.columns
