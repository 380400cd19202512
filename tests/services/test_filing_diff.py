import pytest

from projects.services.filing import filing_update
from projects.services.rows import RowInput
from projects.services.snapshots import filing_diff, filing_snapshot

pytestmark = pytest.mark.django_db


def test_the_diff_lists_changed_header_fields_and_added_changed_and_removed_rows(people, make_filing):
    filing = make_filing(people.unit_a)
    before = filing_snapshot(filing)
    rows = [
        RowInput(
            id=r.pk,
            category_id=r.category_id,
            name=r.name,
            value=r.value,
            explanation=r.explanation,
            not_applicable=r.not_applicable,
        )
        for r in filing.indicators.order_by("position")
    ]
    quantity, quality = rows[0], rows[1]
    rows[0] = RowInput(
        id=quantity.id,
        category_id=quantity.category_id,
        name=quantity.name,
        value="≥95%",
        explanation=quantity.explanation,
    )
    rows.remove(quality)
    rows.append(RowInput(category_id=quantity.category_id, name="新增数量指标", value="3个", explanation="新增"))
    header = {"annual_goal": "更具体的年度目标"}
    filing_update(filing=filing, user=people.owner, header=header, rows=rows, version=filing.version)

    diff = filing_diff(before, filing_snapshot(filing))
    assert [(c.label, c.before, c.after) for c in diff.fields] == [("年度目标", "完成年度测试任务", "更具体的年度目标")]
    assert [(r.kind, r.category, (r.before or r.after or {})["name"], r.columns) for r in diff.rows] == [
        ("changed", "产出 / 数量", "数量指标1", ["指标值"]),
        ("added", "产出 / 数量", "新增数量指标", []),
        ("removed", "产出 / 质量", "质量指标1", []),
    ]


def test_an_unchanged_filing_has_an_empty_diff(people, make_filing):
    filing = make_filing(people.unit_a)
    assert not filing_diff(filing_snapshot(filing), filing_snapshot(filing))


def test_rows_without_ids_are_paired_in_order_within_their_category(people, make_filing):
    filing = make_filing(people.unit_a, rows_per_category=2)
    before = filing_snapshot(filing)
    uploaded = [dict(row, id=None) for row in before["rows"]]  # an upload's rows have no ids yet
    quantity = [row for row in uploaded if row["category"] == "产出 / 数量"]
    quantity[1]["value"] = "≥200个"
    uploaded.insert(uploaded.index(quantity[0]), dict(quantity[0], name="插在最前的数量指标"))
    quality = next(row for row in uploaded if row["category"] == "产出 / 质量")
    uploaded.remove(quality)

    diff = filing_diff(before, {**before, "rows": uploaded})

    assert [(r.kind, r.category, (r.before or r.after or {})["name"], r.columns) for r in diff.rows] == [
        ("added", "产出 / 数量", "插在最前的数量指标", []),
        ("changed", "产出 / 数量", quantity[1]["name"], ["指标值"]),
        ("removed", "产出 / 质量", quality["name"], []),
    ]


def test_rows_stored_again_with_new_ids_pair_by_content_and_a_reordered_row_is_a_move(people, make_filing):
    filing = make_filing(people.unit_a, rows_per_category=3)
    before = filing_snapshot(filing)
    # As an import stores them: every row anew, with new ids; one explanation rewritten, one row moved up.
    after = [dict(row, id=row["id"] + 1000) for row in before["rows"]]
    quantity = [row for row in after if row["category"] == "产出 / 数量"]
    quantity[0]["explanation"] = "考察全年的数量"
    after.remove(quantity[2])
    after.insert(after.index(quantity[0]), quantity[2])

    diff = filing_diff(before, {**before, "rows": after})

    assert [(r.kind, r.category, r.row["name"], r.columns, r.places) for r in diff.rows] == [
        ("moved", "产出 / 数量", "数量指标3", ["顺序"], (3, 1)),
        ("changed", "产出 / 数量", "数量指标1", ["指标解释"], (1, 2)),
    ]


def test_a_row_moved_to_another_category_is_a_move_but_not_applicable_rows_stay_where_they_are(people, make_filing):
    filing = make_filing(people.unit_a)
    before = filing_snapshot(filing)
    after = [dict(row, id=None) for row in before["rows"]]
    quantity = next(row for row in after if row["category"] == "产出 / 数量")
    quantity.update(category="产出 / 质量", category_id=None)
    economic = next(row for row in after if row["category"] == "效益 / 经济效益")  # 不适用
    ecological = next(row for row in after if row["category"] == "效益 / 生态效益")  # 不适用
    ecological.update(name="生态指标", value="≥1项", explanation="考察生态", not_applicable=False)
    after.remove(economic)

    diff = filing_diff(before, {**before, "rows": after})

    assert [(r.kind, r.category, r.row["name"], r.columns) for r in diff.rows] == [
        ("moved", "产出 / 质量", "数量指标1", ["二级指标"]),
        ("removed", "效益 / 经济效益", "不适用", []),
        ("changed", "效益 / 生态效益", "生态指标", ["三级指标", "指标值", "指标解释", "不适用"]),
    ]
