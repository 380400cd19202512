"""On the filing page (test client): what blocks 送审 is marked on the
form and listed in one round; a returned filing's edit page shows why it was returned; a new form
starts from the next budget year and the only unit; 万元 shows two decimals with the exact amount on
hover; a refused 保存并送审 saves nothing and leaves nothing in the history."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.forms import next_budget_year
from projects.history import filing_timeline
from projects.kinds import kind_named
from projects.models import Filing, Status, Transition
from projects.services import review
from projects.templatetags.projects_tags import money_cell
from tests.helpers.page_forms import filing_post_data

pytestmark = pytest.mark.django_db

FUTIAN_CODE = "440304231271599900001"  # a 福田 code on a 宝安 unit's filing: rule 2's error


@pytest.fixture
def owner_client(client, people):
    client.force_login(people.owner)
    return client


def _edit_url(filing):
    return reverse("projects:filing_edit", args=[filing.pk])


def _marked_required(html: str) -> set[str]:
    return set(re.findall(r'<label for="id_(\w+)" class="required">', html))


@pytest.mark.parametrize("kind_code", ["project", "program", "overall"])
def test_every_header_field_that_blocks_submission_is_marked_required_on_the_new_form(owner_client, kind_code):
    kind = kind_named(kind_code)
    html = owner_client.get(reverse("projects:filing_create", kwargs={"kind": kind_code})).content.decode()
    # The same definition the submission check reads (projects.services.review._header_problems).
    blocking = {field.name for field in kind.required_fields if field.name not in kind.derived}
    assert _marked_required(html) == blocking
    for name in blocking:
        tag = re.search(rf'<(?:input|select|textarea)[^>]*id="id_{name}"[^>]*>', html)
        assert tag and 'aria-required="true"' in tag.group(0), name


def test_the_fields_the_issue_named_and_the_row_columns_are_marked(owner_client):
    html = owner_client.get(reverse("projects:filing_create", kwargs={"kind": "project"})).content.decode()
    assert {"is_new", "allocation", "policy_basis", "calculation_basis"} <= _marked_required(html)
    assert '<span class="star">*</span>指标解释</th>' in html
    assert "长期目标<small>（跨度多年的项目需填）</small>" in html


def test_missing_items_and_rule_errors_are_listed_together_in_one_round(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, annual_goal="")
    data = filing_post_data(owner_client.get(_edit_url(filing)), submit="1", code=FUTIAN_CODE)
    response = owner_client.post(_edit_url(filing), data)
    messages = [note.message for note in response.context["notes"].all]
    assert messages[0] == "年度目标：未填写"
    assert any(message.startswith("项目编码：") and "440304" in message for message in messages[1:])
    assert f"送审前还需补充或修改以下 {len(messages)} 项内容" in response.content.decode()


def test_a_blank_field_is_listed_once_not_again_by_the_checks(people, make_filing):
    filing = make_filing(people.unit_a, annual_goal="", project_type="")
    assert [p.message for p in review.submission_problems(filing)] == ["项目类型：未填写", "年度目标：未填写"]


def test_a_returned_filings_edit_page_shows_the_reason_at_the_top_with_its_lines(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, status=Status.SUBMITTED)
    review.filing_return(filing=filing, user=people.reviewer, reason="1. 数量指标偏低\n2. 成本请写金额")
    html = owner_client.get(_edit_url(filing)).content.decode()
    returned = html.index('id="returned"')
    assert returned < html.index("data-filing-form")
    assert "退回原因：1. 数量指标偏低<br>2. 成本请写金额" in html[returned:]
    assert "孙审核" in html[returned : html.index("</div>", returned)]
    # The filing's page and its history keep the lines too.
    detail = owner_client.get(reverse("projects:filing_detail", args=[filing.pk])).content.decode()
    assert detail.count("1. 数量指标偏低<br>2. 成本请写金额") == 2


def test_a_draft_has_no_return_panel(owner_client, people, make_filing):
    assert 'id="returned"' not in owner_client.get(_edit_url(make_filing(people.unit_a))).content.decode()


def test_a_new_form_is_for_the_next_budget_year_and_the_only_unit(client, people):
    client.force_login(people.colleague)  # files for unit B only
    form = client.get(reverse("projects:filing_create", kwargs={"kind": "project"})).context["form"]
    assert form["fiscal_year"].value() == next_budget_year()
    assert form["department"].value() == people.unit_b.pk


def test_a_unit_choice_of_several_is_left_to_the_filer(owner_client):
    form = owner_client.get(reverse("projects:filing_create", kwargs={"kind": "project"})).context["form"]
    assert form["department"].value() is None  # unit A and its child unit


def test_wan_yuan_amounts_show_two_decimals_and_the_exact_amount_on_hover():
    assert money_cell(Decimal("12345678.91"), "万元") == '<span title="12,345,678.91 元">1,234.57</span>'
    assert money_cell(Decimal("50000"), "万元") == '<span title="50,000.00 元">5.00</span>'
    assert money_cell(Decimal("1234567.5"), "元") == "1,234,567.50"


def test_a_refused_save_and_submit_saves_nothing_and_records_nothing(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, annual_goal="")
    before = len(filing_timeline(filing))
    data = filing_post_data(owner_client.get(_edit_url(filing)), submit="1", name="改过的名称")
    response = owner_client.post(_edit_url(filing), data)
    assert response.status_code == 200 and "data-unsaved" in response.content.decode()
    assert response.context["form"]["name"].value() == "改过的名称"  # still on the page
    stored = Filing.objects.get(pk=filing.pk)
    assert (stored.version, stored.name, stored.status) == (filing.version, filing.name, Status.DRAFT)
    assert len(filing_timeline(stored)) == before


def test_a_refused_resubmission_leaves_a_returned_filing_returned(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, status=Status.SUBMITTED)
    review.filing_return(filing=filing, user=people.reviewer, reason="请补充")
    steps = Transition.objects.filter(filing=filing).count()
    data = filing_post_data(owner_client.get(_edit_url(filing)), submit="1", annual_goal="")
    owner_client.post(_edit_url(filing), data)
    filing.refresh_from_db()
    assert filing.status == Status.RETURNED
    assert Transition.objects.filter(filing=filing).count() == steps


def test_a_refused_new_filing_is_not_created_and_a_new_rows_problem_shows_beside_it(owner_client, people):
    url = reverse("projects:filing_create", kwargs={"kind": "project"})
    data = filing_post_data(owner_client.get(url), submit="1", department=people.unit_a.pk, name="新项目")
    data["code"] = "440306231271599900077"
    data["rows-0-name"] = "服务人次"  # the first 数量 row: a name, no value
    response = owner_client.post(url, data)
    assert not Filing.objects.filter(code="440306231271599900077").exists()
    row = next(form for form in response.context["formset"].forms if form.prefix == "rows-0")
    assert [note.message for note in row.notes] == ["产出指标 / 数量指标 “服务人次”：缺少指标值、指标解释"]


def test_a_save_and_submit_that_goes_through_is_one_save_and_one_step(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    response = owner_client.post(_edit_url(filing), filing_post_data(owner_client.get(_edit_url(filing)), submit="1"))
    assert response.url == reverse("projects:filing_detail", args=[filing.pk])
    assert Filing.objects.get(pk=filing.pk).status == Status.SUBMITTED


def test_a_code_taken_in_the_year_gets_one_clear_message_on_the_new_form(owner_client, people, make_filing):
    taken = make_filing(people.unit_a, year=2031, code="440306319999900000042")
    url = reverse("projects:filing_create", kwargs={"kind": "project"})
    data = filing_post_data(owner_client.get(url), department=people.unit_a.pk, name="另一个项目", fiscal_year=2031)
    data["code"] = taken.code

    response = owner_client.post(url, data)

    html = response.content.decode()
    assert response.status_code == 200 and Filing.objects.filter(code=taken.code).count() == 1
    assert html.count(f"预算年度 2031 已有项目编码为 {taken.code} 的项目") == 1
    assert "已存在" not in html
