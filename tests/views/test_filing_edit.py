from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import FormTemplate, Indicator
from projects.models import Filing, Status
from tests.helpers.filings import categories, make_overall, make_program
from tests.helpers.page_forms import filing_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, people):
    client.force_login(people.owner)
    return client


def _edit_url(filing):
    return reverse("projects:filing_edit", args=[filing.pk])


def _create_url(kind="project"):
    return reverse("projects:filing_create", kwargs={"kind": kind})


def _stored(filing) -> Filing:
    """The filing as stored now, with its header read afresh."""
    return Filing.objects.select_related("project_header", "program_header", "overall_header").get(pk=filing.pk)


def test_the_edit_page_groups_rows_under_their_categories_in_the_official_order(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, rows_per_category=2)
    response = owner_client.get(_edit_url(filing))
    levels = response.context["levels"]
    assert [level.category.name for level in levels] == ["产出", "效益", "满意度"]
    assert [block.category.name for block in levels[0].blocks] == ["数量", "质量", "时效", "成本"]
    assert [form["name"].value() for form in levels[0].blocks[0].forms] == ["数量指标1", "数量指标2"]
    assert response.context["tasks"] is None  # only the 部门整体 form has tasks
    html = response.content.decode()
    assert 'id="row-template"' in html and "rows-__prefix__-name" in html
    assert 'id="task-template"' not in html


def test_the_edit_page_shows_the_header_fields_of_the_kind_with_the_top_unit_derived(owner_client, people, make_filing):
    filing = make_filing(people.unit_a_child)
    response = owner_client.get(_edit_url(filing))
    form = response.context["form"]
    assert "top_unit" not in form.fields  # follows from the 申请单位: shown, not typed
    assert {"code", "name", "department", "program", "annual_goal", "amount_unit", "version"} <= set(form.fields)
    assert form["department"].value() == people.unit_a_child.pk
    cells = {cell["name"]: cell for row in form.grid for cell in row}
    assert cells["top_unit"]["field"] is None and cells["top_unit"]["shown"] == people.unit_a.name
    assert people.unit_a.name in response.content.decode()


def test_amounts_show_in_the_filing_unit_with_separators(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, amount_unit="万元")
    form = owner_client.get(_edit_url(filing)).context["form"]
    assert form["current_amount"].value() == "100.00"
    assert form["total_amount"].value() == "300.00"
    big = make_filing(people.unit_a, amount_unit="元")
    assert owner_client.get(_edit_url(big)).context["form"]["current_amount"].value() == "1,000,000.00"


def test_saving_a_draft_keeps_header_amounts_exact_in_yuan(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    data = filing_post_data(
        owner_client.get(_edit_url(filing)), current_amount="1,069.8612", amount_unit="万元", name="改名后的项目"
    )
    response = owner_client.post(_edit_url(filing), data)
    assert response.status_code == 302
    stored = _stored(filing)
    assert (stored.name, str(stored.project_header.current_amount), stored.amount_unit, stored.version) == (
        "改名后的项目",
        "10698612.00",
        "万元",
        2,
    )
    # The fields the page did not change are kept as they were.
    assert stored.project_header.total_amount == Decimal("3000000.00")
    assert stored.project_header.is_new is False and stored.project_header.annual_goal == "完成年度测试任务"


def test_an_amount_with_more_precision_than_a_fen_is_refused_and_the_input_kept(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    data = filing_post_data(
        owner_client.get(_edit_url(filing)), current_amount="12.345", amount_unit="元", name="不会保存"
    )
    response = owner_client.post(_edit_url(filing), data)
    assert response.status_code == 200
    assert response.context["form"].errors["current_amount"] == ["以元为单位时最多保留 2 位小数"]
    assert 'value="12.345"' in response.content.decode()
    assert _stored(filing).name == "测试项目"


def test_a_row_added_on_the_page_is_saved_under_its_category(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    data = filing_post_data(owner_client.get(_edit_url(filing)))
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
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    assert list(filing.indicators.filter(category=quality).order_by("position").values_list("name", flat=True)) == [
        "验收合格率",
        "质量指标1",
    ]


def test_a_row_marked_deleted_on_the_page_is_removed(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, rows_per_category=2)
    data = filing_post_data(owner_client.get(_edit_url(filing)))
    data["rows-0-DELETE"] = "on"
    doomed = data["rows-0-id"]
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    assert not Indicator.objects.filter(pk=doomed).exists()
    assert filing.indicators.count() == 15


def test_save_and_submit_with_missing_items_saves_nothing_and_lists_them_field_by_field(
    owner_client, people, make_filing
):
    filing = make_filing(people.unit_a, annual_goal="")
    data = filing_post_data(owner_client.get(_edit_url(filing)), submit="1", allocation="")
    response = owner_client.post(_edit_url(filing), data, follow=True)
    stored = _stored(filing)
    assert stored.status == Status.DRAFT and stored.project_header.allocation != "" and stored.version == 1
    html = response.content.decode()
    assert "未能送审：申报表还有 2 处需要补充，不能送审。本页内容尚未保存" in html
    assert "送审前还需补充或修改以下 2 项内容" in html
    notes = response.context["notes"]
    assert [n.message for n in notes.fields["allocation"]] == ["分配方式：未选择"]
    assert [n.message for n in notes.fields["annual_goal"]] == ["年度目标：未填写"]


def test_save_and_submit_of_a_complete_filing_submits_it(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    data = filing_post_data(owner_client.get(_edit_url(filing)), submit="1")
    response = owner_client.post(_edit_url(filing), data)
    assert response.url == reverse("projects:filing_detail", args=[filing.pk])
    assert _stored(filing).status == Status.SUBMITTED


def test_row_problems_show_next_to_their_row(owner_client, people, make_filing):
    filing = make_filing(people.unit_a)
    row = filing.indicators.get(category__name="时效")
    Indicator.objects.filter(pk=row.pk).update(value="")
    response = owner_client.get(_edit_url(filing) + "?check=1")
    form = next(
        f
        for level in response.context["levels"]
        for block in level.blocks
        for f in block.forms
        if f["id"].value() == row.pk
    )
    assert [note.message for note in form.notes] == ["产出指标 / 时效指标 “时效指标1”：缺少指标值"]


def test_the_second_of_two_people_saving_the_same_filing_is_refused_and_nothing_is_lost(people, make_filing):
    filing = make_filing(people.unit_a)
    first, second = Client(), Client()
    first.force_login(people.owner)
    second.force_login(people.administrator)
    first_data = filing_post_data(first.get(_edit_url(filing)), name="第一人修改的名称")
    second_data = filing_post_data(second.get(_edit_url(filing)), annual_goal="第二人写的年度目标")

    assert first.post(_edit_url(filing), first_data).status_code == 302
    refused = second.post(_edit_url(filing), second_data)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "保存失败：在您打开本页之后，王填报于" in html and "您的修改没有保存，仍保留在本页" in html
    assert "第二人写的年度目标" in html  # the second person's input is still on the page
    stored = _stored(filing)
    assert (stored.name, stored.project_header.annual_goal, stored.version) == (
        "第一人修改的名称",
        "完成年度测试任务",
        2,
    )

    # Having looked at the newer version, the second person may knowingly save over it.
    second_data.update({"overwrite": "on", "latest_version": 2})
    assert second.post(_edit_url(filing), second_data).status_code == 302
    stored = _stored(filing)
    assert (stored.name, stored.project_header.annual_goal, stored.version) == ("测试项目", "第二人写的年度目标", 3)
    assert stored.history.filter(name="第一人修改的名称").exists()


def test_an_approved_filing_cannot_be_opened_for_editing(owner_client, people, make_filing):
    filing = make_filing(people.unit_a, status=Status.APPROVED)
    response = owner_client.get(_edit_url(filing))
    assert response.url == reverse("projects:filing_detail", args=[filing.pk])
    data = {
        "code": filing.code,
        "name": "改",
        "fiscal_year": 2024,
        "department": people.unit_a.pk,
        "version": 1,
        "amount_unit": "元",
        "rows-TOTAL_FORMS": 0,
        "rows-INITIAL_FORMS": 0,
    }
    owner_client.post(_edit_url(filing), data)
    stored = _stored(filing)
    assert (stored.name, stored.version, stored.status) == ("测试项目", 1, Status.APPROVED)


def test_a_new_filing_starts_with_a_blank_row_under_each_category_and_saves_only_filled_rows(owner_client, people):
    url = _create_url()
    page = owner_client.get(url)
    assert len(page.context["formset"].forms) == len(categories())
    data = filing_post_data(page, code="440306000000000000123", name="新建的项目", department=people.unit_a.pk)
    data["rows-0-name"], data["rows-0-value"] = "培训人次", "≥100人次"
    response = owner_client.post(url, data)
    filing = Filing.objects.get(name="新建的项目")
    assert response.url == reverse("projects:filing_edit", args=[filing.pk])
    assert (filing.kind, filing.department, filing.status) == ("project", people.unit_a, Status.DRAFT)
    assert filing.project_header.top_unit == people.unit_a  # a unit without a parent is its own 一级预算单位
    assert list(filing.indicators.values_list("name", flat=True)) == ["培训人次"]


def test_a_new_filing_of_a_subordinate_unit_files_under_its_top_unit(owner_client, people):
    url = _create_url()
    data = filing_post_data(
        owner_client.get(url), code="440306000000000000124", name="下属单位的项目", department=people.unit_a_child.pk
    )
    assert owner_client.post(url, data).status_code == 302
    assert Filing.objects.get(name="下属单位的项目").project_header.top_unit == people.unit_a


def test_a_new_filing_missing_its_code_is_not_saved_and_the_input_is_kept(owner_client, people):
    url = _create_url()
    data = filing_post_data(owner_client.get(url), name="没有编码", department=people.unit_a.pk, code="12345")
    response = owner_client.post(url, data)
    assert response.context["form"].errors["code"] == ["项目编码「12345」应为21位数字"]
    assert 'value="没有编码"' in response.content.decode()
    assert not Filing.objects.filter(name="没有编码").exists()


def test_a_new_filing_without_its_unit_asks_for_the_unit(admin_client):
    url = _create_url()
    data = filing_post_data(admin_client.get(url), code="440306000000000000125", name="没有单位", department="")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择申请单位" in html and "不是所选申请单位的填报人" not in html
    assert not Filing.objects.filter(name="没有单位").exists()


def test_an_unknown_kind_of_filing_has_no_creation_page(owner_client):
    assert owner_client.get("/filings/new/unknown/").status_code == 404


def test_the_creation_page_of_each_kind_shows_that_kinds_form(owner_client):
    titles = {}
    for kind in ("project", "program", "overall"):
        response = owner_client.get(_create_url(kind))
        assert response.status_code == 200
        assert response.context["kind"].code == kind
        assert len(response.context["formset"].forms) == len(categories(FormTemplate.default(kind)))
        assert (response.context["tasks"] is not None) == (kind == "overall")
        titles[kind] = response.context["kind"].title
        assert f"<h1>{titles[kind]}</h1>" in response.content.decode()
    assert titles == {
        "project": "二级项目支出绩效目标申报表",
        "program": "一级项目支出绩效目标申报表",
        "overall": "部门（单位）整体支出绩效目标表",
    }


def test_a_new_program_filing_is_saved_with_its_header_and_rows(owner_client, people):
    url = _create_url("program")
    page = owner_client.get(url)
    assert "code" not in page.context["form"].fields  # the 一级 form has no 项目编码
    data = filing_post_data(
        page,
        name="新建的一级项目",
        department=people.unit_a.pk,
        amount_unit="万元",
        total_amount="500",
        fiscal_amount="450",
        other_amount="50",
        goal="1、完成测试任务。",
    )
    data["rows-0-name"], data["rows-0-value"] = "培训人次", "≥100人次"
    response = owner_client.post(url, data)
    filing = Filing.objects.get(name="新建的一级项目")
    assert response.url == reverse("projects:filing_edit", args=[filing.pk])
    assert (filing.kind, filing.department, filing.amount_unit) == ("program", people.unit_a, "万元")
    header = filing.program_header
    assert (header.total_amount, header.fiscal_amount, header.other_amount, header.goal) == (
        Decimal("5000000.00"),
        Decimal("4500000.00"),
        Decimal("500000.00"),
        "1、完成测试任务。",
    )
    assert list(filing.indicators.values_list("name", flat=True)) == ["培训人次"]


def test_a_new_overall_filing_is_saved_with_its_tasks(owner_client, people):
    url = _create_url("overall")
    page = owner_client.get(url)
    assert len(page.context["tasks"].forms) == 1  # one blank task to start with
    data = filing_post_data(
        page, department=people.unit_a.pk, competent_unit=people.unit_a.pk, goals="目标 1：完成测试任务。"
    )
    data.update(
        {
            "amount_unit": "万元",
            "tasks-TOTAL_FORMS": 2,
            "tasks-0-name": "基本支出",
            "tasks-0-content": "人员和公用经费",
            "tasks-0-total_amount": "100",
            "tasks-0-fiscal_amount": "100",
            "tasks-0-other_amount": "0",
            "tasks-1-name": "信息化建设",
            "tasks-1-content": "系统运维",
            "tasks-1-total_amount": "1,050.5",
            "tasks-1-fiscal_amount": "1,000",
            "tasks-1-other_amount": "50.5",
        }
    )
    response = owner_client.post(url, data)
    filing = Filing.objects.get(kind="overall", department=people.unit_a)
    assert response.url == reverse("projects:filing_edit", args=[filing.pk])
    assert filing.overall_header.competent_unit == people.unit_a
    assert filing.overall_header.goals == "目标 1：完成测试任务。"
    assert [
        (t.name, t.content, t.total_amount, t.fiscal_amount, t.other_amount) for t in filing.tasks.order_by("position")
    ] == [
        ("基本支出", "人员和公用经费", Decimal("1000000.00"), Decimal("1000000.00"), Decimal("0.00")),
        ("信息化建设", "系统运维", Decimal("10505000.00"), Decimal("10000000.00"), Decimal("505000.00")),
    ]
    # The 合计 row, left blank on the page, is the sum of the tasks (projects/services/tasks.py).
    header = filing.overall_header
    assert (header.total_amount, header.fiscal_amount, header.other_amount) == (
        Decimal("11505000.00"),
        Decimal("11000000.00"),
        Decimal("505000.00"),
    )


def test_the_tasks_of_an_overall_filing_are_edited_on_its_page(owner_client, people):
    filing = make_overall(people.unit_a)
    response = owner_client.get(_edit_url(filing))
    tasks = response.context["tasks"]
    assert [(form["name"].value(), form["total_amount"].value()) for form in tasks.forms] == [
        ("基本支出", "100.00"),
        ("信息化建设", "50.00"),
    ]
    html = response.content.decode()
    assert 'id="task-template"' in html and "tasks-__prefix__-name" in html
    data = filing_post_data(response)
    data["tasks-0-total_amount"] = data["tasks-0-fiscal_amount"] = "120"
    data["tasks-1-DELETE"] = "on"
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    assert [(t.name, t.total_amount) for t in filing.tasks.order_by("position")] == [
        ("基本支出", Decimal("1200000.00"))
    ]
    assert _stored(filing).version == 2


def test_a_program_filings_page_edits_its_goal(owner_client, people):
    filing = make_program(people.unit_a)
    response = owner_client.get(_edit_url(filing))
    assert response.context["form"]["total_amount"].value() == "500.00"
    data = filing_post_data(response, goal="1、改写后的绩效目标。")
    assert owner_client.post(_edit_url(filing), data).status_code == 302
    stored = _stored(filing)
    assert (stored.program_header.goal, stored.program_header.total_amount, stored.version) == (
        "1、改写后的绩效目标。",
        Decimal("5000000.00"),
        2,
    )
