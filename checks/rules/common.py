"""Wording the rules share: how names are compared and which targets are 'bad things'."""

import re
import unicodedata

from checks.filing import Filing, Row

# Counts of something bad, where an upper bound (≤) is the right way to write the target.
BAD_THINGS = ("投诉", "事故", "差错", "故障", "错误", "逾期", "违规", "违法", "隐患", "失误", "退回")

_PUNCTUATION = re.compile(r"[\W_]+")


def compact(text: str) -> str:
    """Text reduced for comparison: NFKC, no blanks, no punctuation, no required-marker."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or "")).lower()


# The 二级指标 whose targets are money: Shenzhen's 产出/成本 and, where 成本 is a 一级 of its own (财预〔2021〕
# 101号), 经济成本. 社会成本 and 生态环境成本 are costs to society and nature, not amounts.
MONEY_COSTS = ("成本", "经济成本")


def is_money_cost(row: Row) -> bool:
    return row.level2 in MONEY_COSTS


def has_column(filing: Filing, column: str) -> bool:
    """Whether the filing's layout has that indicator column; a template that lists none has the kind's own."""
    columns = filing.template.columns
    return not columns or column in columns


def counts_bad_things(name: str) -> bool:
    return any(word in name for word in BAD_THINGS)


def quoted(text: str) -> str:
    return f"“{text.strip()}”"


def example_deadline(filing: Filing) -> str:
    """A deadline to show as an example: the end of the filing's own budget year, never a fixed year."""
    return f"{filing.fiscal_year}年12月31日前" if filing.fiscal_year else "12月31日前"
