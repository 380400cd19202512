"""The cells of a filed indicator row on the filing page: each value escaped, each cell labelled for
phones when the layout has more than three columns, the row's own findings in its last cell."""

from django.template import Context, Template

from checks.findings import Finding
from projects.kinds.base import Column
from projects.printing.paging import IndicatorRow

ROW = Template("{% load projects_tags %}{% indicator_cells row columns findings %}")
SHENZHEN = (Column("name", "三级指标"), Column("value", "指标值"), Column("explanation", "指标解释"))


def _cells(row: IndicatorRow, columns: tuple[Column, ...], findings: list[Finding] | None = None) -> str:
    return ROW.render(Context({"row": row, "columns": columns, "findings": findings or []}))


def test_each_value_is_escaped_in_a_cell_of_its_own():
    row = IndicatorRow("<b>达标率</b>", "≥95%", 'A & "B"', indicator_id=7)
    assert _cells(row, SHENZHEN) == "<td>&lt;b&gt;达标率&lt;/b&gt;</td><td>≥95%</td><td>A &amp; &quot;B&quot;</td>"


def test_a_table_of_more_than_three_columns_labels_every_cell():
    columns = (*SHENZHEN, Column("weight", "权重<%>"))
    html = _cells(IndicatorRow("达标率", "≥95%", "", indicator_id=7, weight="10"), columns)
    assert html.count(" data-label=") == 4
    assert html.startswith('<td data-label="三级指标">达标率</td>')
    assert html.endswith('<td data-label="权重&lt;%&gt;">10</td>')


def test_the_findings_about_the_row_close_its_last_cell():
    about = Finding("cost_target", "error", None, 7, "成本指标高于本年度项目金额。", row=4, subject="成本")
    other = Finding("cost_target", "error", None, 8, "另一行的问题。", row=5, subject="成本")
    html = _cells(IndicatorRow("项目总成本", "≤100万元", "", indicator_id=7), SHENZHEN, [about, other])
    first, second, last, rest = html.split("</td>")
    assert first == "<td>项目总成本" and second == "<td>≤100万元" and rest == ""
    assert last.startswith('<td>\n<ul class="findings findings-compact">') and "成本指标高于本年度项目金额。" in last
    assert "另一行的问题" not in html
