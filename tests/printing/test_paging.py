from projects.printing.paging import (
    BLOCK_BUDGET_MM,
    PAGE_BODY_MM,
    IndicatorRow,
    Level1Rows,
    Level2Rows,
    header_height_mm,
    page_blocks,
    row_height_mm,
)


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
    assert [block.rows[0].level1.label for block in page_blocks(levels)] == ["产出", "效益"]


def test_a_group_taller_than_a_page_is_cut_between_level2_groups_each_piece_keeping_its_labels():
    long = "考察本项目的完成情况，根据年度工作任务、历史数据和行业标准综合取值。" * 4
    groups = [Level2Rows(label, _rows(6, long)) for label in ("*数量", "*质量", "*时效", "*成本")]
    blocks = page_blocks([Level1Rows("产出", groups)])
    assert len(blocks) > 1
    assert all(block.fits_a_page for block in blocks)
    printed = _printed(blocks)
    assert [name for _, _, name in printed] == [row.name for group in groups for row in group.rows]
    for block in blocks:
        assert block.rows[0].level1.label == "产出"
        assert block.rows[0].level2 is not None


def test_a_level2_group_taller_than_a_page_is_cut_between_rows_repeating_both_labels():
    rows = _rows(60, "考察本项目的完成情况，根据年度工作任务取值。" * 3)
    blocks = page_blocks([Level1Rows("产出", [Level2Rows("*数量", rows)])])
    assert len(blocks) >= 3
    assert all(block.fits_a_page for block in blocks)
    assert all((block.rows[0].level1.label, block.rows[0].level2.label) == ("产出", "*数量") for block in blocks)
    assert sum(block.rows[0].level2.rowspan for block in blocks) == 60


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
    assert [block.rows[0].level1.label for block in blocks] == ["产出", "产出"]


def test_a_group_with_no_room_left_on_the_page_moves_whole_to_the_next():
    groups = [Level2Rows(label, _rows(2)) for label in ("*数量", "*质量")]
    [block] = page_blocks([Level1Rows("产出", groups)], above_mm=PAGE_BODY_MM - 15)
    assert block.rows[0].level1.rowspan == 4


def test_the_header_estimate_grows_with_its_long_texts():
    pairs = [("项目编码", "440306210601500000540", "项目名称", "新开办企业刻制公章补贴经费")]
    short = header_height_mm(pairs, [("政策依据", "依据。")])
    long = header_height_mm(pairs, [("政策依据", "根据《深圳市人民政府办公厅关于印发的通知》。" * 20)])
    assert 20 < short < long


def test_a_group_is_not_cut_to_leave_one_row_at_the_foot_of_a_page():
    groups = [Level2Rows(label, _rows(1)) for label in ("经济效益", "*社会效益", "生态效益", "可持续影响")]
    one_row = row_height_mm(groups[0].rows[0])
    [block] = page_blocks([Level1Rows("效益", groups)], above_mm=PAGE_BODY_MM - one_row - 12)
    assert block.rows[0].level1.rowspan == 4


def test_a_level2_group_taller_than_a_page_starts_filling_the_rest_of_the_current_page():
    rows = _rows(60, "考察本项目的完成情况，根据年度工作任务取值。" * 3)
    room = PAGE_BODY_MM / 3
    blocks = page_blocks([Level1Rows("产出", [Level2Rows("*数量", rows)])], above_mm=PAGE_BODY_MM - room)
    first = blocks[0]
    assert len(first.rows) >= 2 and first.height_mm <= room
