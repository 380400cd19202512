"""Filings as plain data for rule tests: a clean one that no rule objects to, ways to spoil it, the samples."""

from dataclasses import replace
from decimal import Decimal
from functools import cache

from checks.engine import run_rules
from checks.filing import Filing, Row
from checks.sources import filing_from_parsed
from indicators.taxonomy import SHENZHEN_2020, Vocabulary
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
        applicant="深圳市宝安区政务服务数据管理局(本级)",
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


@cache
def sample_filings() -> dict:
    """The 100 sample filings by 项目编码, read from ``samples/`` as plain data (no database)."""
    vocabulary = Vocabulary.from_spec(SHENZHEN_2020)
    filings = {}
    for path in SAMPLE_FILES:
        parsed = parse_filings(path.read_text(encoding="utf-8-sig"), vocabulary=vocabulary)
        year = infer_fiscal_year(parsed)
        for filing in parsed:
            filings[filing.code] = filing_from_parsed(filing, template=SHENZHEN_2020, fiscal_year=year)
    return filings
