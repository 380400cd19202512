from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Filing
from projects.services import review
from projects.services.filing import filing_create, filing_update
from projects.services.rows import RowInput
from projects.services.tasks import TaskInput
from tests.helpers.filings import header_of, make_overall, make_program, row_inputs, task_inputs

pytestmark = pytest.mark.django_db


def _filed(user, made: Filing) -> Filing:
    """``made`` as its 填报人 creates it on the filing page: one save, so one entry in the history
    (the test helpers write a filing in several steps, without history for its rows)."""
    header, rows, tasks = header_of(made), row_inputs(made), task_inputs(made)
    made.delete()
    return filing_create(
        user=user,
        kind=made.form_kind,
        header=header,
        rows=[replace(row, id=None) for row in rows],
        tasks=[replace(task, id=None) for task in tasks],
        template=made.template,
    )


def test_the_filing_page_shows_field_changes_row_changes_and_transitions_with_users(client, people, make_filing):
    filing = _filed(people.owner, make_filing(people.unit_a))
    rows = row_inputs(filing)
    dropped = rows.pop(4)  # the 经济效益 row, 不适用
    rows[0] = RowInput(
        id=rows[0].id,
        category_id=rows[0].category_id,
        name="数量指标1",
        value="≥120个",
        explanation=rows[0].explanation,
    )
    rows.append(RowInput(category_id=rows[0].category_id, name="新增的数量指标", value="5次", explanation="新增"))
    filing_update(
        filing=filing,
        user=people.owner,
        header={"annual_goal": "改写后的年度目标"},
        rows=rows,
        version=filing.version,
    )
    added = filing.indicators.get(name="新增的数量指标")
    rows = [
        RowInput(
            id=r.pk,
            category_id=r.category_id,
            name=r.name,
            value="6次" if r.pk == added.pk else r.value,
            explanation=r.explanation,
            not_applicable=r.not_applicable,
        )
        for r in filing.indicators.order_by("position")
    ]
    filing_update(filing=filing, user=people.administrator, header={}, rows=rows, version=filing.version)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="数量指标偏低")

    client.force_login(people.owner)
    response = client.get(reverse("projects:filing_detail", args=[filing.pk]))
    timeline = response.context["timeline"]
    assert [(e.title, e.user_label) for e in timeline] == [
        ("已送审 → 已退回", "孙审核"),
        ("草稿 → 已送审", "王填报"),
        ("保存修改", "吴管理"),
        ("保存修改", "王填报"),
        ("新建申报表", "王填报"),
    ]
    assert timeline[0].comment == "数量指标偏低"
    created = timeline[4]
    assert len(created.rows) == 10  # a row under each 二级指标, as created
    assert all(row.kind == "新增" for row in created.rows)
    second, first = timeline[2], timeline[3]
    assert [(c.label, c.before, c.after) for c in first.fields] == [
        ("年度目标", "完成年度测试任务", "改写后的年度目标")
    ]
    assert sorted(
        (r.kind, r.name, r.summary, [(c.label, c.before, c.after) for c in r.changes]) for r in first.rows
    ) == [
        ("修改", "数量指标1", "", [("指标值", "≥10个", "≥120个")]),
        ("删除", dropped.name, "不适用", []),
        ("新增", "新增的数量指标", "指标值：5次；指标解释：新增", []),
    ]
    assert [(r.kind, r.name, [(c.label, c.before, c.after) for c in r.changes]) for r in second.rows] == [
        ("修改", "新增的数量指标", [("指标值", "5次", "6次")])
    ]
    html = response.content.decode()
    assert "退回原因：数量指标偏低" in html and "改写后的年度目标" in html


def test_a_row_stored_without_history_shows_what_it_holds_when_first_changed(client, people, make_filing):
    filing = make_filing(people.unit_a)  # rows written in bulk, without history records
    rows = row_inputs(filing)
    rows[0] = replace(rows[0], value="≥120个")
    filing_update(filing=filing, user=people.owner, header={}, rows=rows, version=filing.version)

    client.force_login(people.owner)
    timeline = client.get(reverse("projects:filing_detail", args=[filing.pk])).context["timeline"]
    assert (timeline[0].title, timeline[0].user_label) == ("保存修改", "王填报")
    assert [(r.kind, r.name, r.summary, r.changes) for r in timeline[0].rows] == [
        ("修改", "数量指标1", "指标值：≥120个；指标解释：考察数量", [])
    ]


def test_the_page_of_an_overall_filing_shows_its_tasks_and_their_changes(client, people):
    filing = _filed(people.owner, make_overall(people.unit_a))
    tasks = task_inputs(filing)
    tasks[1] = TaskInput(
        id=tasks[1].id,
        name="信息化建设",
        content="系统运维和安全",
        total_amount=Decimal("600000"),
        fiscal_amount=Decimal("600000"),
        other_amount=Decimal("0"),
    )
    filing_update(
        filing=filing,
        user=people.owner,
        header={"total_amount": Decimal("1600000"), "fiscal_amount": Decimal("1600000")},
        rows=row_inputs(filing),
        tasks=tasks,
        version=filing.version,
    )

    client.force_login(people.owner)
    response = client.get(reverse("projects:filing_detail", args=[filing.pk]))
    assert [task.name for task in response.context["tasks"]] == ["基本支出", "信息化建设"]
    saved = response.context["timeline"][0]
    assert (saved.title, saved.user_label) == ("保存修改", "王填报")
    assert [(t.kind, t.name, [(c.label, c.before, c.after) for c in t.changes]) for t in saved.tasks] == [
        (
            "修改",
            "信息化建设",
            [
                ("主要内容", "信息化建设的内容", "系统运维和安全"),
                ("总额", "500,000.00 元", "600,000.00 元"),
                ("其中：财政拨款", "500,000.00 元", "600,000.00 元"),
            ],
        )
    ]
    html = response.content.decode()
    sheet = html[html.index('class="task-sheet') : html.index("</table>", html.index('class="task-sheet'))]
    assert "系统运维和安全" in sheet and "60.00" in sheet and "160.00" in sheet  # the task and the 合计, 万元
    history = html[html.index('id="history"') :]
    assert "信息化建设" in history and "系统运维和安全" in history  # the task's change in the timeline


@pytest.mark.parametrize(
    "make, title, crumb",
    [
        (make_program, "一级项目支出绩效目标申报表", "一级项目申报表"),
        (make_overall, "部门（单位）整体支出绩效目标表", "部门整体申报表"),
    ],
)
def test_the_page_of_each_kind_shows_its_form_with_its_history(client, people, make, title, crumb):
    filing = _filed(people.owner, make(people.unit_a))
    client.force_login(people.owner)
    response = client.get(reverse("projects:filing_detail", args=[filing.pk]))
    assert response.context["kind"].code == filing.kind
    assert [(e.title, e.user_label) for e in response.context["timeline"]] == [("新建申报表", "王填报")]
    html = response.content.decode()
    assert f"<h2>{title}</h2>" in html
    assert f'href="{reverse("projects:filing_list")}?kind={filing.kind}">{crumb}</a>' in html
    assert reverse("projects:filing_edit", args=[filing.pk]) in html  # a draft its 填报人 may change


def test_a_move_to_another_unit_shows_both_units_before_and_after(client, people, make_filing):
    filing = _filed(people.owner, make_filing(people.unit_a_child))
    filing_update(
        filing=filing,
        user=people.administrator,
        header={"department": people.unit_b},  # its 一级预算单位 follows
        rows=row_inputs(filing),
        version=filing.version,
    )
    client.force_login(people.administrator)
    timeline = client.get(reverse("projects:filing_detail", args=[filing.pk])).context["timeline"]
    changes = {c.label: (c.before, c.after) for c in timeline[0].fields}
    # The units the filing points at now are read with it; those it pointed at before, by the history.
    assert changes["一级预算单位"] == (people.unit_a.name, people.unit_b.name)
    assert changes["申请单位"] == (people.unit_a_child.name, people.unit_b.name)
