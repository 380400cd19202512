"""Text filings that are cut off, padded with junk or oversized: refused with their line, nothing written."""

from __future__ import annotations

import time

import pytest

from indicators.taxonomy import SHENZHEN_2020, SHENZHEN_2020_OVERALL, SHENZHEN_2020_PROGRAM, Vocabulary
from projects.kinds.base import LONG_TEXT, MAX_ROWS
from projects.parsers.text import FilingParseError, parse_filings
from projects.services.imports import FilingImportError, SourceFile, import_filings
from tests.helpers.samples import BAOAN, BAOAN_OVERALL

VOCABULARIES = {
    "project": Vocabulary.from_spec(SHENZHEN_2020),
    "program": Vocabulary.from_spec(SHENZHEN_2020_PROGRAM),
    "overall": Vocabulary.from_spec(SHENZHEN_2020_OVERALL),
}
FORM = "\n".join(
    [
        "## 二级项目支出绩效目标申报表",
        "项目编码:\t440306210601500000540\t项目名称:\t测试项目",
        "申请单位:\t甲单位\t一级预算单位:\t甲单位",
        "年度目标:\t完成任务",  # line 4
        "一级指标\t二级指标\t三级指标\t指标值\t指标解释",
        "产出\t*数量\t服务次数\t≥3次\t考察次数",  # line 6
        "满意度\t*服务对象满意度\t群众满意度\t≥90%\t问卷调查",  # line 7
    ]
)


def error_of(text: str) -> FilingParseError:
    with pytest.raises(FilingParseError) as raised:
        parse_filings(text, vocabularies=VOCABULARIES)
    return raised.value


def refused_import(text: str, name: str = "申报表.txt") -> str:
    with pytest.raises(FilingImportError) as raised:
        import_filings(sources=[SourceFile(name, text)])
    return str(raised.value)


# --- cut off -----------------------------------------------------------------------------------


def test_the_first_half_of_a_sample_is_refused_at_the_line_where_its_last_form_stops(no_write):
    text = BAOAN.read_text(encoding="utf-8-sig")
    half = text[: len(text) // 2]

    with no_write():
        message = refused_import(half, "宝安-前半.txt")

    assert message.startswith("宝安-前半.txt: 第242行：第233行开始的二级项目申报表没有指标表")
    assert "文件可能不完整（被截断）" in message


def test_a_form_whose_table_stops_before_its_last_first_level_category_is_refused():
    text = BAOAN.read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    cut = lines.index("效益\t经济效益\t不适用\t不适用\t不适用")  # the first form's 效益 rows begin here

    error = error_of("\n".join(lines[:cut]))

    assert error.line == cut  # the last line read, 1-based
    assert "指标表在「产出」指标处中断，缺少「满意度」指标" in error.message


def test_every_cut_of_a_form_is_refused_or_keeps_every_row_up_to_its_last_category():
    """Cut after any of its lines, a form is refused, unless only rows of 满意度 (its last category)
    were cut off: a table cannot tell where those end."""
    lines = BAOAN_OVERALL.read_text(encoding="utf-8-sig").split("\n")
    (whole,) = parse_filings("\n".join(lines), vocabularies=VOCABULARIES)
    for end in range(whole.line, len(lines)):
        try:
            (cut,) = parse_filings("\n".join(lines[:end]), vocabularies=VOCABULARIES)
        except FilingParseError as error:
            assert error.line is None or error.line <= end  # None: nothing of the form is left
            continue
        kept = whole.indicators[: len(cut.indicators)]
        assert cut.indicators == kept and all(row.level1 == "满意度" for row in whole.indicators[len(kept) :])


# --- junk and oversized values ------------------------------------------------------------------


def test_a_junk_tail_of_nine_megabytes_is_refused_not_stored_as_a_value(no_write):
    text = BAOAN.read_text(encoding="utf-8-sig") + "乱码" * 4_500_000  # no line break: it lengthens the last cell
    started = time.perf_counter()

    with no_write():
        message = refused_import(text)

    assert time.perf_counter() - started < 5
    assert "第484行：指标解释超过 2000 个字（9000003 个字）" in message
    assert len(message) < 200


def test_junk_lines_after_the_last_form_are_not_read_into_it():
    (parsed,) = parse_filings(FORM + "\n" + "没有制表符的乱码行\n" * 10_000, vocabularies=VOCABULARIES)
    assert [row.name for row in parsed.indicators] == ["服务次数", "群众满意度"]


def test_a_free_text_longer_than_its_limit_is_refused_at_its_line():
    goal = "完成任务" + "\n续写的目标。" * 1000  # 7,004 characters over 1,001 lines
    text = FORM.replace("年度目标:\t完成任务", "年度目标:\t" + goal)

    error = error_of(text)

    assert (error.line, error.message) == (4, f"年度目标超过 {LONG_TEXT} 个字（{len(goal)} 个字）")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("产出\t*数量\t" + "名" * 201 + "\t≥3次\t考察次数", "三级指标超过 200 个字（201 个字）"),
        ("产出\t*数量\t服务次数\t" + "9" * 201 + "\t考察次数", "指标值超过 200 个字（201 个字）"),
        ("产出\t*数量\t服务次数\t≥3次\t" + "释" * 2001, "指标解释超过 2000 个字（2001 个字）"),
    ],
)
def test_an_indicator_cell_longer_than_its_column_is_refused_at_its_line(row, message):
    lines = FORM.split("\n")
    lines[5] = row

    error = error_of("\n".join(lines))

    assert (error.line, error.message) == (6, message)


def test_a_form_of_more_rows_than_the_limit_is_refused_at_the_first_row_too_many():
    rows = [f"产出\t*数量\t服务次数{n}\t≥3次\t考察次数" for n in range(MAX_ROWS)]  # and a 满意度 row
    lines = FORM.split("\n")
    text = "\n".join(lines[:5] + rows + lines[6:])

    error = error_of(text)

    assert (error.line, error.message) == (6 + MAX_ROWS, f"指标表有 {MAX_ROWS + 1} 行，超过上限 {MAX_ROWS} 行")


def test_a_unit_name_longer_than_a_unit_can_have_is_refused():
    error = error_of(FORM.replace("申请单位:\t甲单位", "申请单位:\t" + "单" * 201))
    assert (error.line, error.message) == (3, "申请单位超过 200 个字（201 个字）")


def test_a_message_quotes_only_the_start_of_a_huge_cell():
    lines = FORM.split("\n")
    lines[5] = "产出\t*数量\t" + "\t".join(["服务次数", "≥3次", "考察次数", "多出的" * 100_000])

    error = error_of("\n".join(lines))

    assert error.line == 6 and "（该行多出单元格）" in error.message and len(error.message) < 100
