import pytest
from django.urls import reverse

from projects.services import review
from projects.services.filing import RowInput, project_update

pytestmark = pytest.mark.django_db


def test_the_project_page_shows_field_changes_row_changes_and_transitions_with_users(client, people, make_filing):
    project = make_filing(people.unit_a)
    rows = [
        RowInput(
            id=r.pk,
            category_id=r.category_id,
            name=r.name,
            value=r.value,
            explanation=r.explanation,
            not_applicable=r.not_applicable,
        )
        for r in project.indicators.order_by("position")
    ]
    dropped = rows.pop(4)  # the 经济效益 row, 不适用
    rows[0] = RowInput(
        id=rows[0].id,
        category_id=rows[0].category_id,
        name="数量指标1",
        value="≥120个",
        explanation=rows[0].explanation,
    )
    rows.append(RowInput(category_id=rows[0].category_id, name="新增的数量指标", value="5次", explanation="新增"))
    project_update(
        project=project,
        user=people.owner,
        header={"annual_goal": "改写后的年度目标"},
        rows=rows,
        version=project.version,
    )
    added = project.indicators.get(name="新增的数量指标")
    rows = [
        RowInput(
            id=r.pk,
            category_id=r.category_id,
            name=r.name,
            value="6次" if r.pk == added.pk else r.value,
            explanation=r.explanation,
            not_applicable=r.not_applicable,
        )
        for r in project.indicators.order_by("position")
    ]
    project_update(project=project, user=people.administrator, header={}, rows=rows, version=project.version)
    review.project_submit(project=project, user=people.owner)
    review.project_return(project=project, user=people.reviewer, reason="数量指标偏低")

    client.force_login(people.owner)
    response = client.get(reverse("projects:project_detail", args=[project.pk]))
    timeline = response.context["timeline"]
    assert [(e.title, e.user_label) for e in timeline] == [
        ("已送审 → 已退回", "孙审核"),
        ("草稿 → 已送审", "王填报"),
        ("保存修改", "吴管理"),
        ("保存修改", "王填报"),
        ("新建申报表", "系统"),
    ]
    assert timeline[0].comment == "数量指标偏低"
    second, first = timeline[2], timeline[3]
    assert [(c.label, c.before, c.after) for c in first.fields] == [
        ("年度目标", "完成年度测试任务", "改写后的年度目标")
    ]
    assert sorted((r.kind, r.name, r.summary) for r in first.rows) == [
        ("修改", "数量指标1", "指标值：≥120个；指标解释：考察数量"),
        ("删除", dropped.name, "不适用"),
        ("新增", "新增的数量指标", "指标值：5次；指标解释：新增"),
    ]
    assert [(r.kind, r.name, [(c.label, c.before, c.after) for c in r.changes]) for r in second.rows] == [
        ("修改", "新增的数量指标", [("指标值", "5次", "6次")])
    ]
    html = response.content.decode()
    assert "退回原因：数量指标偏低" in html and "改写后的年度目标" in html
