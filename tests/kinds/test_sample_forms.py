"""The 一级 and 部门整体 forms of the samples, as stored, field by field and row by row.

``tests/golden/`` holds what each form says, checked by hand against the published text: every
header value, every task with its amounts (in 元, exactly), every indicator row (the 投入指标 /
测算明细 row and the 不适用 rows included) in the printed order. Any difference fails with a diff.
"""

from __future__ import annotations

import difflib

import pytest

from projects.models import Filing
from tests.helpers.golden import GOLDEN, filings_text
from tests.helpers.samples import BAOAN_OVERALL, DAPENG

pytestmark = pytest.mark.django_db


def _stored(source) -> list[Filing]:
    return list(Filing.objects.filter(source_file=source.name).order_by("source_line"))


@pytest.mark.parametrize(
    ("source", "golden", "kinds"),
    [
        (DAPENG, "dapeng_2021.txt", ["overall"] + ["program"] * 7),
        (BAOAN_OVERALL, "baoan_overall_2023.txt", ["overall"]),
    ],
)
def test_stored_forms_match_the_reviewed_copy(samples, source, golden, kinds):
    filings = _stored(source)
    assert [filing.kind for filing in filings] == kinds
    expected = (GOLDEN / golden).read_text(encoding="utf-8")
    actual = filings_text(filings)
    diff = "\n".join(
        difflib.unified_diff(expected.splitlines(), actual.splitlines(), "reviewed", "stored", lineterm="")
    )
    assert actual == expected, diff


def test_the_dapeng_forms_are_of_2021_and_baoan_of_2023(samples):
    assert {filing.fiscal_year for filing in _stored(DAPENG)} == {2021}
    assert [filing.fiscal_year for filing in _stored(BAOAN_OVERALL)] == [2023]


def test_overall_goals_keep_one_paragraph_per_goal(samples):
    goals = _stored(DAPENG)[0].value("goals")
    paragraphs = [line for line in goals.splitlines() if line.strip()]
    assert [paragraph.split("：")[0].replace(" ", "") for paragraph in paragraphs] == [
        f"目标{number}" for number in range(1, 10)
    ]


def test_overall_total_is_the_sum_of_its_tasks(samples):
    for filing in (_stored(DAPENG)[0], _stored(BAOAN_OVERALL)[0]):
        tasks = list(filing.tasks.all())
        for name in ("total_amount", "fiscal_amount", "other_amount"):
            assert sum(getattr(task, name) for task in tasks) == filing.value(name), (filing, name)
