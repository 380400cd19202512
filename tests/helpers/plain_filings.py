"""Filings as plain data for rule tests: a clean one that no rule objects to, ways to spoil it, the samples."""

from dataclasses import replace
from decimal import Decimal
from functools import cache

from checks.engine import run_rules
from checks.filing import Filing, Row, Task
from checks.sources import filing_from_parsed
from indicators.taxonomy import SHENZHEN_2020, SHENZHEN_2020_OVERALL, SHENZHEN_2020_PROGRAM, Vocabulary
from projects.kinds import kind_named
from projects.parsers.text import infer_fiscal_year, parse_filings
from tests.helpers.samples import SAMPLE_FILES

CLEAN_ROWS = (
    Row("产出", "数量", "服务企业数量", "≥4万家", "按上年办理量2.8万家及本年增长预测取值，以登记系统统计为准"),
    Row("产出", "质量", "补贴发放准确率", "≥95%", "准确率=准确发放笔数/发放总笔数×100%"),
    Row("产出", "时效", "补贴发放完成时间", "2023年12月31日前", "按补贴发放计划，年底前全部发放完毕"),
    Row("产出", "成本", "项目总成本", "≤1069.86万元", "按每套公章补贴标准乘以预计刻章数量测算"),
    Row("效益", "经济效益", "不适用", "不适用", "不适用", not_applicable=True),
    Row("效益", "社会效益", "企业开办平均用时", "≤1个工作日", "与上年平均开办用时比较，以市场监管部门统计为准"),
    Row("效益", "生态效益", "不适用", "不适用", "不适用", not_applicable=True),
    Row("效益", "可持续影响", "不适用", "不适用", "不适用", not_applicable=True),
    Row("满意度", "服务对象满意度", "补贴对象满意度", "≥90%", "问卷调查：满意人数/调查总人数×100%"),
    Row("满意度", "其他满意度", "不适用", "不适用", "不适用", not_applicable=True),
)


def clean_filing(**changes) -> Filing:
    rows = tuple(replace(row, position=number) for number, row in enumerate(CLEAN_ROWS, start=1))
    filing = Filing(
        code="440306210601500000540",
        name="新开办企业刻制公章补贴经费",
        department="深圳市宝安区政务服务数据管理局(本级)",
        district="宝安区",
        fiscal_year=2023,
        duration_years=4,
        project_type="15 其他经费",
        total_amount=Decimal("49235800.00"),
        current_amount=Decimal("10698600.00"),
        amount_unit="元",
        annual_goal="为本年度新开办企业免费刻制公章，减轻企业开办负担。",
        long_term_goal="四年内实现新开办企业公章免费刻制全覆盖，企业开办全程一天办结。",
        rows=rows,
    )
    return replace(filing, **changes)


# A 部门整体 form's tasks (amounts in 元) and the 合计 row that adds them up.
CLEAN_TASKS = (
    Task("基本支出", Decimal("8927000"), Decimal("8927000"), Decimal("0"), 1),
    Task("信息化建设管理经费", Decimal("1000000"), Decimal("800000"), Decimal("200000"), 2),
)
CLEAN_TASK_TOTALS = {
    "total_amount": Decimal("9927000"),
    "fiscal_amount": Decimal("9727000"),
    "other_amount": Decimal("200000"),
}


def clean_overall(**changes) -> Filing:
    """A 部门整体 form no rule objects to: the clean rows (this form has no 指标解释), two tasks and their 合计."""
    rows = tuple(replace(row, position=number, explanation="") for number, row in enumerate(CLEAN_ROWS, start=1))
    filing = Filing(
        kind="overall",
        department="深圳市宝安区政务服务数据管理局（本级）",
        district="宝安区",
        fiscal_year=2023,
        amount_unit="万元",
        rows=rows,
        template=SHENZHEN_2020_OVERALL,
        tasks=CLEAN_TASKS,
        task_totals=CLEAN_TASK_TOTALS,
        labels={field.name: field.plain_label for field in kind_named("overall").header},
    )
    return replace(filing, **changes)


def with_row(filing: Filing, row_name: str, /, **changes) -> Filing:
    """The filing with the row called ``row_name`` changed."""
    assert any(row.name == row_name for row in filing.rows), row_name
    return replace(filing, rows=tuple(replace(row, **changes) if row.name == row_name else row for row in filing.rows))


def with_rows(filing: Filing, *rows: Row) -> Filing:
    """The filing with rows added after its own, numbered on."""
    start = len(filing.rows) + 1
    return replace(filing, rows=filing.rows + tuple(replace(row, position=start + i) for i, row in enumerate(rows)))


def findings(filing: Filing, rule_id: str) -> list:
    return [finding for finding in run_rules(filing) if finding.rule_id == rule_id]


def severities(filing: Filing, rule_id: str) -> list[str]:
    return [finding.severity for finding in findings(filing, rule_id)]


# The templates of the three kinds as the migrations store them, for reading the samples without the database.
SPECS = {"project": SHENZHEN_2020, "program": SHENZHEN_2020_PROGRAM, "overall": SHENZHEN_2020_OVERALL}
VOCABULARIES = {kind: Vocabulary.from_spec(spec) for kind, spec in SPECS.items()}


@cache
def sample_forms() -> dict[tuple[str, int], Filing]:
    """The 109 sample filings of every kind by (file name, line of the form's title), the place an import
    records (``source_file``, ``source_line``), read from ``samples/`` as plain data (no database).

    Each filing is checked in the year it prints (一级, 部门整体) or else the year its file suggests, as
    the import stores it."""
    forms = {}
    for path in SAMPLE_FILES:
        parsed = parse_filings(path.read_text(encoding="utf-8-sig"), vocabularies=VOCABULARIES)
        year = infer_fiscal_year(parsed)
        for filing in parsed:
            plain = filing_from_parsed(filing, template=SPECS[filing.kind], fiscal_year=filing.fiscal_year or year)
            forms[path.name, filing.line] = plain
    return forms


@cache
def sample_filings() -> dict[str, Filing]:
    """The 100 sample 二级 filings by 项目编码, as plain data."""
    return {filing.code: filing for filing in sample_forms().values() if filing.kind == "project"}
