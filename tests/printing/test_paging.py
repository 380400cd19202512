import pytest

from projects.printing.paging import (
    BLOCK_BUDGET_MM,
    PAGE_BODY_MM,
    PROJECT_SHARES,
    TABLE_HEADER_MM,
    IndicatorRow,
    LabelCell,
    Level1Rows,
    Level2Rows,
    header_height_mm,
    page_blocks,
    pair_shares,
    row_height_mm,
    table_height_mm,
)

# The 一级 form's own columns (指标内容, 指标值): no 指标解释, a wider content column.
PROGRAM_SHARES = (("name", 0.46), ("value", 0.28))


def _cell(label: LabelCell | None) -> LabelCell:
    """A label cell that is printed on the row."""
    assert label is not None
    return label


def _rows(count, explanation="考察本项目的完成情况。"):
    return [IndicatorRow(f"指标{i}", "≥90%", explanation) for i in range(count)]


def _printed(blocks):
    """(一级 label or None, 二级 label or None, 三级 name) of every printed row, in order."""
    return [
        (row.level1.label if row.level1 else None, row.level2.label if row.level2 else None, row.row.name)
        for block in blocks
        for row in block.rows
    ]


def test_a_level1_group_that_fits_a_page_is_one_block_with_merged_labels():
    levels = [Level1Rows("产出", [Level2Rows("*数量", _rows(3)), Level2Rows("*质量", _rows(2))])]
    [block] = page_blocks(levels)
    assert block.fits_a_page
    assert [(r.level1.rowspan if r.level1 else None, r.level2.rowspan if r.level2 else None) for r in block.rows] == [
        (5, 3),
        (None, None),
        (None, None),
        (None, 2),
        (None, None),
    ]


def test_each_level1_group_starts_its_own_block():
    levels = [
        Level1Rows("产出", [Level2Rows("*数量", _rows(1))]),
        Level1Rows("效益", [Level2Rows("经济效益", [IndicatorRow("不适用", "不适用", "不适用")])]),
    ]
    assert [_cell(block.rows[0].level1).label for block in page_blocks(levels)] == ["产出", "效益"]


def test_a_group_taller_than_a_page_is_cut_between_level2_groups_each_piece_keeping_its_labels():
    long = "考察本项目的完成情况，根据年度工作任务、历史数据和行业标准综合取值。" * 4
    groups = [Level2Rows(label, _rows(6, long)) for label in ("*数量", "*质量", "*时效", "*成本")]
    blocks = page_blocks([Level1Rows("产出", groups)])
    assert len(blocks) > 1
    assert all(block.fits_a_page for block in blocks)
    printed = _printed(blocks)
    assert [name for _, _, name in printed] == [row.name for group in groups for row in group.rows]
    for block in blocks:
        assert _cell(block.rows[0].level1).label == "产出"
        assert block.rows[0].level2 is not None


def test_a_level2_group_taller_than_a_page_is_cut_between_rows_repeating_both_labels():
    rows = _rows(60, "考察本项目的完成情况，根据年度工作任务取值。" * 3)
    blocks = page_blocks([Level1Rows("产出", [Level2Rows("*数量", rows)])])
    assert len(blocks) >= 3
    assert all(block.fits_a_page for block in blocks)
    assert all(
        (_cell(block.rows[0].level1).label, _cell(block.rows[0].level2).label) == ("产出", "*数量") for block in blocks
    )
    assert sum(_cell(block.rows[0].level2).rowspan for block in blocks) == 60


def test_a_single_row_taller_than_a_page_stays_one_block_marked_as_not_fitting():
    giant = IndicatorRow("指标", "≥1", "很长的解释。" * 800)
    assert row_height_mm(giant) > BLOCK_BUDGET_MM
    [block] = page_blocks([Level1Rows("产出", [Level2Rows("*数量", [giant])])])
    assert not block.fits_a_page


def test_row_height_grows_with_the_longest_cell_and_with_line_breaks():
    short = row_height_mm(IndicatorRow("指标", "≥90%", "考察。"))
    wrapped = row_height_mm(IndicatorRow("指标", "≥90%", "考察本项目的完成情况。" * 10))
    broken = row_height_mm(IndicatorRow("指标", "≥90%", "考察。\n一\n二\n三"))
    assert short < wrapped
    assert short < broken


def test_a_group_that_does_not_fit_below_the_header_is_cut_where_the_page_ends():
    groups = [Level2Rows(label, _rows(2)) for label in ("*数量", "*质量", "*时效", "*成本")]
    two_groups = sum(row_height_mm(row) for group in groups[:2] for row in group.rows)
    blocks = page_blocks([Level1Rows("产出", groups)], above_mm=PAGE_BODY_MM - two_groups - 12)
    assert [[row.level2.label for row in block.rows if row.level2] for block in blocks] == [
        ["*数量", "*质量"],
        ["*时效", "*成本"],
    ]
    assert [_cell(block.rows[0].level1).label for block in blocks] == ["产出", "产出"]
    assert [block.continued for block in blocks] == [False, True]  # the second piece starts a page


def test_only_the_later_pieces_of_a_group_start_a_page():
    long = "考察本项目的完成情况，根据年度工作任务、历史数据和行业标准综合取值。" * 4
    levels = [
        Level1Rows("产出", [Level2Rows(label, _rows(6, long)) for label in ("*数量", "*质量", "*时效", "*成本")]),
        Level1Rows("效益", [Level2Rows("*社会效益", _rows(1))]),
    ]
    blocks = page_blocks(levels)
    assert [(_cell(block.rows[0].level1).label, block.continued) for block in blocks] == [
        ("产出", False),
        *[("产出", True)] * (len(blocks) - 2),
        ("效益", False),
    ]


def test_a_group_with_no_room_left_on_the_page_moves_whole_to_the_next():
    groups = [Level2Rows(label, _rows(2)) for label in ("*数量", "*质量")]
    [block] = page_blocks([Level1Rows("产出", groups)], above_mm=PAGE_BODY_MM - 15)
    assert _cell(block.rows[0].level1).rowspan == 4


def test_the_header_estimate_grows_with_its_long_texts():
    pairs = [("项目编码", "440306210601500000540", "项目名称", "新开办企业刻制公章补贴经费")]
    short = header_height_mm(pairs, [("政策依据", "依据。")])
    long = header_height_mm(pairs, [("政策依据", "根据《深圳市人民政府办公厅关于印发的通知》。" * 20)])
    assert 20 < short < long


def test_a_group_is_not_cut_to_leave_one_row_at_the_foot_of_a_page():
    groups = [Level2Rows(label, _rows(1)) for label in ("经济效益", "*社会效益", "生态效益", "可持续影响")]
    one_row = row_height_mm(groups[0].rows[0])
    [block] = page_blocks([Level1Rows("效益", groups)], above_mm=PAGE_BODY_MM - one_row - 12)
    assert _cell(block.rows[0].level1).rowspan == 4


def test_a_level2_group_taller_than_a_page_starts_filling_the_rest_of_the_current_page():
    rows = _rows(60, "考察本项目的完成情况，根据年度工作任务取值。" * 3)
    room = PAGE_BODY_MM / 3
    blocks = page_blocks([Level1Rows("产出", [Level2Rows("*数量", rows)])], above_mm=PAGE_BODY_MM - room)
    first = blocks[0]
    assert len(first.rows) >= 2 and first.height_mm <= room


def test_the_header_pairs_share_the_width_whatever_their_number():
    assert pair_shares(2) == pytest.approx((0.17, 0.33, 0.17, 0.33))
    for pairs in (1, 2, 3):
        shares = pair_shares(pairs)
        assert len(shares) == 2 * pairs
        assert sum(shares) == pytest.approx(1)
        assert len(set(shares[::2])) == 1 and len(set(shares[1::2])) == 1


def test_a_header_row_of_three_pairs_is_taller_for_the_same_text_in_narrower_cells():
    # A value that fits a third of the width less its label, but not a fourth of it.
    row = ["项目单位", "深圳市大鹏新区政务服务中心", "填报人", "张敏", "联系电话", "0755-1234"]
    assert header_height_mm([row], [], pairs=3) > header_height_mm([row[:4]], [], pairs=2)


def test_a_row_is_measured_in_the_kinds_own_columns():
    explained = IndicatorRow("指标", "≥90%", "考察本项目的完成情况，根据年度工作任务取值。" * 6)
    # The explanation is printed on the 二级 form only.
    assert row_height_mm(explained, PROGRAM_SHARES) < row_height_mm(explained, PROJECT_SHARES)
    content = IndicatorRow("1.综合窗口岗位人员购买服务经费 164.4 万元；" * 6, "≥12人")
    assert row_height_mm(content, PROGRAM_SHARES) < row_height_mm(content, PROJECT_SHARES)


def test_blocks_are_cut_by_the_heights_in_the_kinds_own_columns():
    long = "考察本项目的完成情况，根据年度工作任务、历史数据和行业标准综合取值。" * 4
    groups = [Level2Rows(label, _rows(6, long)) for label in ("*数量", "*质量", "*时效", "*成本")]
    as_project = page_blocks([Level1Rows("产出", groups)])
    as_program = page_blocks([Level1Rows("产出", groups)], shares=PROGRAM_SHARES)
    assert len(as_program) < len(as_project)
    assert [row.row.name for block in as_program for row in block.rows] == [
        row.name for group in groups for row in group.rows
    ]


def test_a_task_table_grows_with_its_rows_and_their_texts():
    shares = [0.16, 0.42, 0.14, 0.14, 0.14]
    short = ["基本支出", "日常活动。", "892.70", "892.70", "0"]
    content = "本项目用于支付分行用房租赁费、政府购买人力资源服务费以及日常办公所需要的运行保障费用。" * 3
    long = ["一般行政管理事务经费", content, "2216.94", "2216.94", "0"]
    empty = table_height_mm([], shares)
    assert empty == 2 * TABLE_HEADER_MM
    assert empty < table_height_mm([short], shares) < table_height_mm([short, short], shares)
    assert table_height_mm([short], shares) < table_height_mm([long], shares)
