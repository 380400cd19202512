import pytest
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Project, Status
from tests.helpers.filings import categories
from tests.helpers.page_forms import filing_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, people):
    client.force_login(people.owner)
    return client


def _edit_url(project):
    return reverse("projects:project_edit", args=[project.pk])


def test_the_edit_page_groups_rows_under_their_categories_in_the_official_order(owner_client, people, make_filing):
    project = make_filing(people.unit_a, rows_per_category=2)
    response = owner_client.get(_edit_url(project))
    levels = response.context["levels"]
    assert [level.category.name for level in levels] == ["产出", "效益", "满意度"]
    assert [block.category.name for block in levels[0].blocks] == ["数量", "质量", "时效", "成本"]
    assert [form["name"].value() for form in levels[0].blocks[0].forms] == ["数量指标1", "数量指标2"]
    html = response.content.decode()
    assert 'id="row-template"' in html and "rows-__prefix__-name" in html


def test_amounts_show_in_the_filing_unit_with_separators(owner_client, people, make_filing):
    project = make_filing(people.unit_a, amount_unit="万元")
    form = owner_client.get(_edit_url(project)).context["form"]
    assert form["current_amount"].value() == "100.00"
    assert form["total_amount"].value() == "300.00"
    big = make_filing(people.unit_a, amount_unit="元")
    assert owner_client.get(_edit_url(big)).context["form"]["current_amount"].value() == "1,000,000.00"


def test_saving_a_draft_keeps_header_amounts_exact_in_yuan(owner_client, people, make_filing):
    project = make_filing(people.unit_a)
    data = filing_post_data(
        owner_client.get(_edit_url(project)), current_amount="1,069.8612", amount_unit="万元", name="改名后的项目"
    )
    response = owner_client.post(_edit_url(project), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, str(project.current_amount), project.amount_unit, project.version) == (
        "改名后的项目",
        "10698612.00",
        "万元",
        2,
    )


def test_an_amount_with_more_precision_than_a_fen_is_refused_and_the_input_kept(owner_client, people, make_filing):
    project = make_filing(people.unit_a)
    data = filing_post_data(
        owner_client.get(_edit_url(project)), current_amount="12.345", amount_unit="元", name="不会保存"
    )
    response = owner_client.post(_edit_url(project), data)
    assert response.status_code == 200
    assert response.context["form"].errors["current_amount"] == ["以元为单位时最多保留 2 位小数"]
    assert 'value="12.345"' in response.content.decode()
    project.refresh_from_db()
    assert project.name == "测试项目"


def test_a_row_added_on_the_page_is_saved_under_its_category(owner_client, people, make_filing):
    project = make_filing(people.unit_a)
    data = filing_post_data(owner_client.get(_edit_url(project)))
    index = int(data["rows-TOTAL_FORMS"])
    quality = categories()[1]
    existing = next(key for key, value in data.items() if key.endswith("-category") and value == quality.pk)
    data[existing.replace("-category", "-position")] = 3  # the page renumbers the rows below the new one
    data.update(
        {
            "rows-TOTAL_FORMS": index + 1,
            f"rows-{index}-category": quality.pk,
            f"rows-{index}-position": 2,
            f"rows-{index}-name": "验收合格率",
            f"rows-{index}-value": "100%",
            f"rows-{index}-explanation": "验收结果",
        }
    )
    owner_client.post(_edit_url(project), data)
    assert list(project.indicators.filter(category=quality).order_by("position").values_list("name", flat=True)) == [
        "验收合格率",
        "质量指标1",
    ]


def test_a_row_marked_deleted_on_the_page_is_removed(owner_client, people, make_filing):
    project = make_filing(people.unit_a, rows_per_category=2)
    data = filing_post_data(owner_client.get(_edit_url(project)))
    data["rows-0-DELETE"] = "on"
    doomed = data["rows-0-id"]
    owner_client.post(_edit_url(project), data)
    assert not Indicator.objects.filter(pk=doomed).exists()
    assert project.indicators.count() == 15


def test_save_and_submit_with_missing_items_saves_and_lists_them_field_by_field(owner_client, people, make_filing):
    project = make_filing(people.unit_a, annual_goal="")
    data = filing_post_data(owner_client.get(_edit_url(project)), submit="1", allocation="")
    response = owner_client.post(_edit_url(project), data, follow=True)
    project.refresh_from_db()
    assert project.status == Status.DRAFT and project.allocation == ""
    html = response.content.decode()
    assert "已保存，但未能送审：申报表还有 2 处需要补充，不能送审" in html
    assert "送审前还需补充或修改以下 2 项内容" in html
    notes = response.context["notes"]
    assert [n.message for n in notes.fields["allocation"]] == ["分配方式：未选择"]
    assert [n.message for n in notes.fields["annual_goal"]] == ["年度目标：未填写"]


def test_save_and_submit_of_a_complete_filing_submits_it(owner_client, people, make_filing):
    project = make_filing(people.unit_a)
    data = filing_post_data(owner_client.get(_edit_url(project)), submit="1")
    response = owner_client.post(_edit_url(project), data)
    assert response.url == reverse("projects:project_detail", args=[project.pk])
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_row_problems_show_next_to_their_row(owner_client, people, make_filing):
    project = make_filing(people.unit_a)
    row = project.indicators.get(category__name="时效")
    Indicator.objects.filter(pk=row.pk).update(value="")
    response = owner_client.get(_edit_url(project) + "?check=1")
    form = next(
        f
        for level in response.context["levels"]
        for block in level.blocks
        for f in block.forms
        if f["id"].value() == row.pk
    )
    assert [note.message for note in form.notes] == ["产出指标 / 时效指标 “时效指标1”：缺少指标值"]


def test_the_second_of_two_people_saving_the_same_project_is_refused_and_nothing_is_lost(client, people, make_filing):
    from django.test import Client

    project = make_filing(people.unit_a)
    first, second = Client(), Client()
    first.force_login(people.owner)
    second.force_login(people.administrator)
    first_data = filing_post_data(first.get(_edit_url(project)), name="第一人修改的名称")
    second_data = filing_post_data(second.get(_edit_url(project)), annual_goal="第二人写的年度目标")

    assert first.post(_edit_url(project), first_data).status_code == 302
    refused = second.post(_edit_url(project), second_data)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "保存失败：在您打开本页之后，王填报于" in html and "您的修改没有保存，仍保留在本页" in html
    assert "第二人写的年度目标" in html  # the second person's input is still on the page
    project.refresh_from_db()
    assert (project.name, project.annual_goal, project.version) == ("第一人修改的名称", "完成年度测试任务", 2)

    # Having looked at the newer version, the second person may knowingly save over it.
    second_data.update({"overwrite": "on", "latest_version": 2})
    assert second.post(_edit_url(project), second_data).status_code == 302
    project.refresh_from_db()
    assert (project.name, project.annual_goal, project.version) == ("测试项目", "第二人写的年度目标", 3)
    assert project.history.filter(name="第一人修改的名称").exists()


def test_an_approved_filing_cannot_be_opened_for_editing(owner_client, people, make_filing):
    project = make_filing(people.unit_a, status=Status.APPROVED)
    response = owner_client.get(_edit_url(project))
    assert response.url == reverse("projects:project_detail", args=[project.pk])
    data = {
        "code": project.code,
        "name": "改",
        "fiscal_year": 2024,
        "applicant": people.unit_a.pk,
        "version": 1,
        "amount_unit": "元",
        "rows-TOTAL_FORMS": 0,
        "rows-INITIAL_FORMS": 0,
    }
    owner_client.post(_edit_url(project), data)
    project.refresh_from_db()
    assert project.name == "测试项目"


def test_a_new_filing_starts_with_a_blank_row_under_each_category_and_saves_only_filled_rows(owner_client, people):
    url = reverse("projects:project_create")
    page = owner_client.get(url)
    assert len(page.context["formset"].forms) == len(categories())
    data = filing_post_data(page, code="440306000000000000123", name="新建的项目", applicant=people.unit_a.pk)
    data["rows-0-name"], data["rows-0-value"] = "培训人次", "≥100人次"
    response = owner_client.post(url, data)
    project = Project.objects.get(name="新建的项目")
    assert response.url == reverse("projects:project_edit", args=[project.pk])
    assert list(project.indicators.values_list("name", flat=True)) == ["培训人次"]


def test_a_new_filing_missing_its_code_is_not_saved_and_the_input_is_kept(owner_client, people):
    url = reverse("projects:project_create")
    data = filing_post_data(owner_client.get(url), name="没有编码", applicant=people.unit_a.pk, code="12345")
    response = owner_client.post(url, data)
    assert response.context["form"].errors["code"] == ["项目编码应为21位数字"]
    assert 'value="没有编码"' in response.content.decode()
    assert not Project.objects.filter(name="没有编码").exists()
