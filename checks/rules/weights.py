"""Rule 20: where a layout weighs its 三级指标 (权重), every row has a weight and they add up to the
layout's total (四川: 90, the other 10 分 going to 预算执行率; 财预〔2021〕101号: 100)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from checks.filing import Filing
from checks.findings import Note, error
from checks.rules.common import quoted


def weights_total(filing: Filing) -> Iterator[Note]:
    """Rule 20: in a weighted layout each real row has a weight, and the weights add up to the layout's total."""
    total = filing.template.weights_total
    rows = filing.real_rows
    if total is None or not rows:
        return
    note = f"（{filing.template.weights_note}）" if filing.template.weights_note else ""
    if not any(row.weight is not None or row.weight_text for row in rows):
        # One finding for a table without a single weight, rather than one for each of its rows.
        yield error(f"本表样的各三级指标都须填写权重，合计为{total}{note}：目前都没有填写。", subject="权重合计")
        return
    for row in rows:
        if row.weight is not None:
            continue
        if row.weight_text:
            yield error(
                f"三级指标{quoted(row.name)}的权重{quoted(row.weight_text)}不是数字：请填写数字，如“10”。", row=row
            )
        else:
            yield error(
                f"三级指标{quoted(row.name)}没有填写权重：本表各三级指标都须填写权重，合计为{total}{note}。", row=row
            )
    weights = [row.weight for row in rows if row.weight is not None]
    summed = sum(weights, Decimal(0))
    # With a weight missing the sum is short by it; it is reported only when it is wrong anyway.
    if summed == total or (len(weights) < len(rows) and summed < total):
        return
    yield error(
        f"各三级指标的权重合计为{summed.normalize():f}，应为{total}{note}：请调整各指标的权重，使合计为{total}。",
        subject="权重合计",
    )
