from decimal import Decimal

import pytest

from indicators.models import Indicator
from projects.kinds import kind_named
from projects.models import Filing, Status
from projects.services import review
from projects.services.filing import filing_create, filing_update
from projects.services.rows import RowInput
from projects.services.writing import FilingError, StaleFilingError
from tests.helpers.filings import categories, header_of, row_inputs

pytestmark = pytest.mark.django_db


def _stored(project):
    return list(
        project.indicators.order_by("position").values_list("category__name", "name", "value", "not_applicable")
    )


def test_a_filer_creates_a_draft_with_only_its_identity_filled_in(people):
    quantity = categories()[0]
    project = filing_create(
        user=people.owner,
        kind=kind_named("project"),
        header={
            "code": "440306000000000000001",
            "name": "新项目",
            "fiscal_year": 2025,
            "department": people.unit_a_child,
        },
        rows=[RowInput(category_id=quantity.pk, name="培训人次", value="≥200人次"), RowInput(category_id=quantity.pk)],
    )
    assert project.status == Status.DRAFT and project.version == 1
    assert project.kind == "project" and project.department == people.unit_a_child
    assert project.project_header.top_unit == people.unit_a
    row = project.indicators.get()
    assert (row.name, row.value, row.comparator, row.number, row.unit) == (
        "培训人次",
        "≥200人次",
        "≥",
        Decimal("200"),
        "人次",
    )
    assert project.history.get().history_user == people.owner
    assert project.project_header.history.get().history_user == people.owner


def test_nobody_creates_a_project_for_a_unit_they_do_not_file_for(people):
    with pytest.raises(FilingError, match="不是所选申请单位的填报人"):
        filing_create(
            user=people.owner,
            kind=kind_named("project"),
            header={"code": "440306000000000000002", "name": "越权", "fiscal_year": 2025, "department": people.unit_b},
            rows=[],
        )
    assert not Filing.objects.filter(code="440306000000000000002").exists()


def test_saving_updates_rows_in_place_adds_new_ones_and_drops_removed_ones(people, make_filing):
    project = make_filing(people.unit_a)
    rows = row_inputs(project)
    kept_id = rows[0].id
    quantity = rows[0].category_id
    rows[0] = RowInput(id=kept_id, category_id=quantity, name="服务企业数量", value="≥4万家", explanation="按任务取值")
    rows.append(RowInput(category_id=quantity, name="新增指标", value="10个", explanation="新增"))
    removed = rows.pop(1)  # the 质量 row
    assert removed.id is not None
    filing_update(filing=project, user=people.owner, header=header_of(project), rows=rows, version=project.version)
    assert project.indicators.filter(pk=kept_id, name="服务企业数量").exists()
    assert not Indicator.objects.filter(pk=removed.id).exists()
    assert _stored(project)[:3] == [
        ("数量", "服务企业数量", "≥4万家", False),
        ("数量", "新增指标", "10个", False),
        ("时效", "时效指标1", "2024年12月31日前", False),
    ]


def test_the_order_inside_a_category_follows_the_page(people, make_filing):
    project = make_filing(people.unit_a, rows_per_category=3)
    rows = row_inputs(project)
    rows[0], rows[2] = rows[2], rows[0]
    filing_update(filing=project, user=people.owner, header=header_of(project), rows=rows, version=project.version)
    assert [name for _, name, _, _ in _stored(project)[:3]] == ["数量指标3", "数量指标2", "数量指标1"]


def test_a_row_marked_not_applicable_reads_不适用_in_every_column(people, make_filing):
    project = make_filing(people.unit_a)
    rows = row_inputs(project)
    economic = next(row for row in rows if row.not_applicable)
    rows[rows.index(economic)] = RowInput(
        id=economic.id,
        category_id=economic.category_id,
        name="旧名称",
        value="5%",
        explanation="x",
        not_applicable=True,
    )
    filing_update(filing=project, user=people.owner, header=header_of(project), rows=rows, version=project.version)
    assert economic.id is not None
    row = Indicator.objects.get(pk=economic.id)
    assert (row.name, row.value, row.explanation, row.not_applicable) == ("不适用", "不适用", "不适用", True)


def test_a_row_id_of_another_project_is_never_modified(people, make_filing):
    mine, theirs = make_filing(people.unit_a), make_filing(people.unit_b)
    foreign_row = theirs.indicators.first()
    rows = row_inputs(mine) + [
        RowInput(id=foreign_row.pk, category_id=foreign_row.category_id, name="篡改", value="1", explanation="1")
    ]
    filing_update(filing=mine, user=people.owner, header=header_of(mine), rows=rows, version=mine.version)
    foreign_row.refresh_from_db()
    assert foreign_row.name != "篡改" and foreign_row.filing == theirs
    assert mine.indicators.filter(name="篡改").exists()


def test_the_second_of_two_concurrent_saves_is_refused_and_the_first_is_kept(people, make_filing):
    project = make_filing(people.unit_a)
    opened_by_first = Filing.objects.get(pk=project.pk)
    opened_by_second = Filing.objects.get(pk=project.pk)
    filing_update(
        filing=opened_by_first,
        user=people.owner,
        header=header_of(opened_by_first, name="第一人的名称"),
        rows=row_inputs(project),
        version=opened_by_first.version,
    )
    with pytest.raises(StaleFilingError) as refused:
        filing_update(
            filing=opened_by_second,
            user=people.owner,
            header=header_of(opened_by_second, name="第二人的名称"),
            rows=[],
            version=opened_by_second.version,
        )
    assert "保存失败" in refused.value.message and "王填报" in refused.value.message
    assert "您的修改没有保存" in refused.value.message
    assert refused.value.current_version == 2
    project.refresh_from_db()
    assert project.name == "第一人的名称" and project.version == 2
    assert project.indicators.count() == len(row_inputs(opened_by_first))


def test_a_submitted_or_approved_filing_cannot_be_saved(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    with pytest.raises(FilingError, match="不能修改"):
        filing_update(
            filing=project, user=people.owner, header=header_of(project, name="改"), rows=[], version=project.version
        )
    project.refresh_from_db()
    assert project.name == "测试项目"


def test_a_colleague_of_another_unit_cannot_save(people, make_filing):
    project = make_filing(people.unit_a)
    rows = project.indicators.count()
    with pytest.raises(FilingError, match="不是该申报表申请单位的填报人"):
        filing_update(
            filing=project,
            user=people.colleague,
            header=header_of(project, name="改"),
            rows=[],
            version=project.version,
        )
    stored = Filing.objects.get(pk=project.pk)
    assert (stored.name, stored.version, stored.indicators.count()) == ("测试项目", project.version, rows)


def test_saving_a_returned_filing_takes_it_back_to_draft(people, make_filing):
    project = make_filing(people.unit_a)
    review.filing_submit(filing=project, user=people.owner)
    review.filing_return(filing=project, user=people.reviewer, reason="请补充")
    filing_update(
        filing=project, user=people.owner, header=header_of(project), rows=row_inputs(project), version=project.version
    )
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert project.transitions.order_by("-at", "-pk").values_list("from_status", "to_status").first() == (
        "returned",
        "draft",
    )


def test_a_duplicate_code_in_the_same_year_is_refused_in_chinese(people, make_filing):
    first, second = make_filing(people.unit_a), make_filing(people.unit_a)
    with pytest.raises(FilingError, match=f"已有项目编码为 {first.code} 的项目"):
        filing_update(
            filing=second,
            user=people.owner,
            header=header_of(second, code=first.code),
            rows=row_inputs(second),
            version=second.version,
        )
    second.refresh_from_db()
    assert second.code != first.code and second.version == 1


def test_one_save_writes_header_and_row_history_with_one_timestamp(people, make_filing):
    project = make_filing(people.unit_a)
    rows = row_inputs(project)
    rows[0] = RowInput(id=rows[0].id, category_id=rows[0].category_id, name="改过的", value="1个", explanation="e")
    filing_update(
        filing=project,
        user=people.owner,
        header=header_of(project, annual_goal="新目标"),
        rows=rows,
        version=project.version,
    )
    filing_record = project.history.order_by("-history_date").first()
    header_record = project.project_header.history.order_by("-history_date").first()
    row_record = Indicator.history.get(id=rows[0].id)
    assert header_record.annual_goal == "新目标"
    assert filing_record.history_user == header_record.history_user == row_record.history_user == people.owner
    assert filing_record.history_date == header_record.history_date == row_record.history_date
