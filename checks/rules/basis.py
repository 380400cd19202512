"""Rule 21: the cost build-up written in 测算依据 adds up to 本年度项目金额.

测算依据 is free text, often a story of contracts, instalments and cuts: the rule reads only the
build-ups it can read without doubt, and says nothing about the rest. It reads each amount (元, 万元,
万) as one of

- a factor (``3333件/月*15元``, ``1.2万元*9个月``) or a unit price (``312元/套``, ``20万/个``): not an item;
- a result (``…×…=949.98万元``): the item the computation gives;
- a stated total (``合计``, ``共计``, ``总计`` right before it);
- a plain amount (``物业管理费31.49万元``, ``宣传广告5万``).

A build-up is clear when its items are either two or more results and no plain amount, or two or more
plain amounts and no result (a list); mixed texts explain more than they add up. A list may give each
heading's amount before its parts (``一、行政服务经费54.26万元 1.…40.8万元 2.…13.46万元``): a heading
that is the sum of the amounts right after it stands for them. The rule warns only when nothing in the
text, not one amount, not the stated total, not the items' sum, comes to the year's amount.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from checks.filing import Filing
from checks.findings import Note, warning
from indicators.values import MONEY_UNITS

# 0.5 %: a build-up rounded to 0.01万元 still matches.
TOLERANCE = Decimal("0.005")
_UNITS = {**MONEY_UNITS, "万": Decimal(10000)}
# A bare 万 only when no other word follows it (4万家 is no amount); NFKC has made ， ： ＝ ＊ plain.
_AMOUNT = re.compile(
    r"(?<![\d.,])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>亿元|万元|千元|元|万(?![\u4e00-\u9fff]))"
)
_TIMES = ("*", "×", "x", "X", "✕")
_PER = ("/", "每")
# 每月7500元, 每年限额14.58万元, 单价40000元: a price per something, before the amount.
_PRICE = re.compile(r"(?:每[^\d,.;:。、]{0,6}|单价[约为:]*)$")
_TOTAL = re.compile(r"(?:合计|共计|总计)(?:总额|金额|费用)?(?:约|为|是|:)*$")
# Words of a payment schedule or a cut: the year's amount is a share of the build-up, which the rule
# cannot add up (2024年支付合同费用的60%, 年初申请金额调减至300万元).
SCHEDULE_WORDS = (
    "支付",
    "付款",
    "已付",
    "尾款",
    "首付",
    "进度款",
    "分期",
    "分年",
    "结算",
    "调减",
    "核减",
    "削减",
    "压减",
    "压缩",
    "延后",
)


@dataclass(frozen=True)
class BuildUp:
    """The amounts of a 测算依据 in 元, by what they are, in the text's order."""

    results: tuple[Decimal, ...] = ()
    plain: tuple[Decimal, ...] = ()
    totals: tuple[Decimal, ...] = ()

    @property
    def items(self) -> tuple[Decimal, ...]:
        """The items the build-up adds up when it is clear (see the module's notes); none otherwise."""
        if len(self.results) >= 2 and not self.plain:
            return self.results
        if len(self.plain) >= 2 and not self.results:
            return _without_parts(self.plain)
        return ()

    @property
    def stated(self) -> tuple[Decimal, ...]:
        """Every amount the text states as an item or a total (neither a factor nor a price)."""
        return self.results + self.plain + self.totals


def read_build_up(text: str) -> BuildUp:
    text = unicodedata.normalize("NFKC", text or "")
    results: list[Decimal] = []
    plain: list[Decimal] = []
    totals: list[Decimal] = []
    for found in _AMOUNT.finditer(text):
        before, after = text[: found.start()].rstrip(), text[found.end() :].lstrip()
        amount = Decimal(found["number"].replace(",", "")) * _UNITS[found["unit"]]
        if after.startswith(_TIMES) or before.endswith(_TIMES):
            continue  # a factor, or a result computed on (A×B=C万元×D=E万元 counts E)
        if before.endswith("="):
            results.append(amount)  # =50.1万元/年 is still the result of its line
        elif after.startswith(_PER) or _PRICE.search(before):
            continue
        elif _TOTAL.search(before[-12:]):
            totals.append(amount)
        else:
            plain.append(amount)
    return BuildUp(tuple(results), tuple(plain), tuple(totals))


def _without_parts(amounts: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """The list without the parts of a heading that adds them up (54.26 = 40.8 + 13.46 keeps 54.26)."""
    kept: list[Decimal] = []
    index = 0
    while index < len(amounts):
        heading = amounts[index]
        kept.append(heading)
        index += 1 + _parts_after(amounts, index)
    return tuple(kept)


def _parts_after(amounts: tuple[Decimal, ...], index: int) -> int:
    """How many amounts right after ``index`` add up to it (at least two), or 0."""
    running = Decimal(0)
    for count, amount in enumerate(amounts[index + 1 :], start=1):
        running += amount
        if count >= 2 and _close(running, amounts[index]):
            return count
        if running > amounts[index]:
            return 0
    return 0


def _close(amount: Decimal, budget: Decimal) -> bool:
    return abs(amount - budget) <= budget * TOLERANCE


def basis_adds_up(filing: Filing) -> Iterator[Note]:
    """Rule 21: a clear cost build-up in 测算依据 comes to 本年度项目金额 (within 0.5 %)."""
    budget, text = filing.current_amount, filing.calculation_basis
    if not budget or budget < 0 or not text.strip() or any(word in text for word in SCHEDULE_WORDS):
        return
    build_up = read_build_up(text)
    items = build_up.items
    if not items:
        return
    summed = sum(items, Decimal(0))
    # The text names the year's amount, or builds up the project's total (项目总金额) rather than the year's.
    for whole in (budget, filing.total_amount):
        if whole and any(_close(amount, whole) for amount in (*build_up.stated, summed)):
            return
    parts = "＋".join(filing.money(item) for item in items)
    stated = "、".join(filing.money(total) for total in build_up.totals)
    also = f"写明的合计{stated}也" if stated else ""
    yield warning(
        f"测算依据中各项金额相加为{filing.money(summed)}（{parts}），{also}与本年度项目金额{filing.money(budget)}不符："
        "请核对测算依据中的各项金额和本年度项目金额，或在测算依据中写明两者的差别（如分年支付、核减）。",
        field="calculation_basis",
    )
