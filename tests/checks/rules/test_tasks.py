"""Rule 15: the 部门整体 form's 合计 is the sum of its 年度主要任务."""

from dataclasses import replace
from decimal import Decimal

import pytest

from checks.engine import run_rules
from tests.helpers.plain_filings import CLEAN_TASK_TOTALS, CLEAN_TASKS, clean_filing, clean_overall, findings


def test_the_clean_overall_form_has_no_findings():
    assert run_rules(clean_overall()) == []


def test_a_total_that_is_not_the_sum_of_the_tasks_is_an_error_in_the_forms_unit():
    filing = clean_overall(task_totals={**CLEAN_TASK_TOTALS, "total_amount": Decimal("10000000")})
    [finding] = findings(filing, "task_totals")
    assert (finding.severity, finding.field, finding.subject) == (
        "error",
        "total_amount",
        "年度主要任务 · 合计（总额）",
    )
    assert "合计（总额）1,000万元与各项任务之和992.7万元不符" in finding.message


@pytest.mark.parametrize(("column", "label"), [("fiscal_amount", "其中财政拨款"), ("other_amount", "其中其他资金")])
def test_each_amount_column_is_added_up_on_its_own(column, label):
    filing = clean_overall(task_totals={**CLEAN_TASK_TOTALS, column: Decimal("1")})
    [finding] = findings(filing, "task_totals")
    assert (finding.field, finding.subject) == (column, f"年度主要任务 · 合计（{label}）")


def test_a_total_in_yuan_is_written_in_yuan():
    filing = clean_overall(amount_unit="元", task_totals={**CLEAN_TASK_TOTALS, "total_amount": Decimal("9927001")})
    [finding] = findings(filing, "task_totals")
    assert "合计（总额）9,927,001元与各项任务之和9,927,000元不符" in finding.message


def test_a_total_left_blank_or_tasks_without_amounts_are_not_judged():
    assert findings(clean_overall(task_totals={**CLEAN_TASK_TOTALS, "total_amount": None}), "task_totals") == []
    no_amounts = tuple(replace(task, total_amount=None) for task in CLEAN_TASKS)
    assert findings(clean_overall(tasks=no_amounts), "task_totals") == []


def test_a_task_without_an_amount_in_a_column_adds_nothing_to_it():
    party = replace(CLEAN_TASKS[0], name="党建经费", total_amount=Decimal("50000"), fiscal_amount=Decimal("50000"))
    tasks = (*CLEAN_TASKS, replace(party, other_amount=None, position=3))
    totals = {**CLEAN_TASK_TOTALS, "total_amount": Decimal("9977000"), "fiscal_amount": Decimal("9777000")}
    assert findings(clean_overall(tasks=tasks, task_totals=totals), "task_totals") == []


def test_only_the_overall_form_is_held_to_its_task_totals():
    wrong = {**CLEAN_TASK_TOTALS, "total_amount": Decimal("1")}
    assert findings(clean_filing(tasks=CLEAN_TASKS, task_totals=wrong), "task_totals") == []
    assert findings(clean_overall(kind="program", task_totals=wrong), "task_totals") == []
