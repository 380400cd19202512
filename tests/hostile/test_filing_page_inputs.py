"""What a filer (or anyone posting by hand) sends the filing page and the check report: amounts that do
not fit, texts too long, too many rows, a year that is no year. Each is a message, never a 500, and
nothing is written."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.kinds.base import LONG_TEXT, MAX_ROWS, MAX_TASKS
from projects.services.filing import FilingError, filing_update
from projects.services.rows import save_rows
from projects.services.tasks import TaskInput, save_tasks
from tests.helpers.filings import make_overall, row_inputs
from tests.helpers.page_forms import filing_post_data

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999999"


@pytest.fixture
def owner_client(client, people):
    client.force_login(people.owner)
    return client


def _edit(filing) -> str:
    return reverse("projects:filing_edit", args=[filing.pk])


def _post(client, filing, no_write, **changes):
    data = filing_post_data(client.get(_edit(filing)), **changes)
    with no_write():
        response = client.post(_edit(filing), data)
    assert response.status_code == 200, "refused input comes back to the page, with what to correct"
    return response


@pytest.mark.parametrize(
    ("value", "unit", "error"),
    [
        (HUGE, "元", f"项目总金额「{HUGE}」超出可保存的范围"),
        ("1e400", "元", "项目总金额「1E+400」超出可保存的范围"),
        ("1234567890123456", "万元", "项目总金额「1234567890123456」超出可保存的范围"),
        ("1234567890.1234567", "万元", "以万元为单位时最多保留 6 位小数"),
        ("-5", "元", "确保该值大于或等于0。"),
        ("NaN", "元", "输入一个数字。"),
        ("Infinity", "元", "输入一个数字。"),
    ],
)
def test_a_header_amount_that_cannot_be_stored_is_a_form_error(
    owner_client, people, make_filing, no_write, value, unit, error
):
    filing = make_filing(people.unit_a)

    response = _post(owner_client, filing, no_write, total_amount=value, amount_unit=unit)

    assert response.context["form"].errors["total_amount"] == [error]


@pytest.mark.parametrize(
    ("value", "unit", "error"),
    [
        (HUGE, "元", f"总额「{HUGE}」超出可保存的范围"),
        ("1e400", "元", "总额「1E+400」超出可保存的范围"),
        ("1234567890123456", "万元", "总额「1234567890123456」超出可保存的范围"),
        ("0.001", "元", "以元为单位时总额最多保留 2 位小数"),
        ("-1", "万元", "确保该值大于或等于0。"),
    ],
)
def test_a_task_amount_that_cannot_be_stored_is_a_form_error(owner_client, people, no_write, value, unit, error):
    filing = make_overall(people.unit_a)

    response = _post(owner_client, filing, no_write, **{"tasks-0-total_amount": value, "amount_unit": unit})

    assert response.context["tasks"].forms[0].errors["total_amount"] == [error]


def test_a_free_text_longer_than_its_limit_is_a_form_error(owner_client, people, make_filing, no_write):
    filing = make_filing(people.unit_a)

    response = _post(owner_client, filing, no_write, annual_goal="目" * (LONG_TEXT + 1))

    assert response.context["form"].errors["annual_goal"] == [f"年度目标超过 {LONG_TEXT} 个字（{LONG_TEXT + 1} 个字）"]


@pytest.mark.parametrize(
    ("name", "label", "limit"), [("name", "三级指标", 200), ("value", "指标值", 200), ("explanation", "指标解释", 2000)]
)
def test_an_indicator_text_longer_than_its_column_is_a_form_error(
    owner_client, people, make_filing, no_write, name, label, limit
):
    filing = make_filing(people.unit_a)

    response = _post(owner_client, filing, no_write, **{f"rows-0-{name}": "字" * (limit + 1)})

    assert response.context["formset"].forms[0].errors[name] == [f"{label}超过 {limit} 个字（{limit + 1} 个字）"]


def test_more_rows_than_a_form_holds_are_refused_with_a_message(owner_client, people, make_filing, no_write):
    filing = make_filing(people.unit_a)
    data = filing_post_data(owner_client.get(_edit(filing)))
    category = data["rows-0-category"]
    for index in range(MAX_ROWS + 1):
        data.update(
            {f"rows-{index}-category": category, f"rows-{index}-name": f"指标{index}", f"rows-{index}-value": "1"}
        )
    data["rows-TOTAL_FORMS"] = max(int(data["rows-TOTAL_FORMS"]), MAX_ROWS + 1)

    with no_write():
        response = owner_client.post(_edit(filing), data)

    assert response.status_code == 200
    (error,) = response.context["formset"].non_form_errors()
    assert error.startswith(f"指标表最多 {MAX_ROWS} 行，本页有 ")


def test_the_services_refuse_what_the_page_would(people, make_filing, no_write):
    """Another caller of the services (a script, a future API) meets the same limits."""
    filing = make_filing(people.unit_a)
    rows = row_inputs(filing)
    long_name = [replace(rows[0], name="名" * 201), *rows[1:]]
    overall = make_overall(people.unit_a)
    when = timezone.now()

    with no_write(), pytest.raises(FilingError, match="指标表第 1 行（数量指标）：三级指标超过 200 个字（201 个字）"):
        filing_update(filing=filing, user=people.owner, header={}, rows=long_name, version=filing.version)
    with no_write(), pytest.raises(FilingError, match=f"指标表最多 {MAX_ROWS} 行"):
        save_rows(filing=filing, rows=rows * (MAX_ROWS // len(rows) + 1), user=people.owner, when=when)
    with no_write(), pytest.raises(FilingError, match="年度主要任务第 1 项：主要内容超过 2000 个字"):
        save_tasks(filing=overall, tasks=[TaskInput(name="任务", content="内" * 2001)], user=people.owner, when=when)
    with no_write(), pytest.raises(FilingError, match=f"年度主要任务最多 {MAX_TASKS} 项"):
        save_tasks(
            filing=overall,
            tasks=[TaskInput(name=f"任务{n}") for n in range(MAX_TASKS + 1)],
            user=people.owner,
            when=when,
        )
    with no_write(), pytest.raises(FilingError, match="年度主要任务第 1 项：总额「10000000000000000」超出可保存的范围"):
        save_tasks(
            filing=overall, tasks=[TaskInput(name="任务", total_amount=Decimal(10) ** 16)], user=people.owner, when=when
        )


@pytest.mark.parametrize("year", ["²", "2023x", "9" * 5000, "99999999999999999999", "-1"])
def test_the_check_report_answers_a_year_that_is_no_year_with_a_message(admin_client, samples, year):
    response = admin_client.get(reverse("checks:report"), {"year": year})

    assert response.status_code == 200
    assert "以下为全部年度的检查结果" in response.content.decode()
    assert response.context["year"] == ""
