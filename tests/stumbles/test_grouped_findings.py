"""Many of the same finding on one filing are one box listing the rows, wherever
findings are shown (project page, review page, edit page); example dates follow the filing's year."""

import pytest
from django.urls import reverse

from checks.findings import Finding
from checks.grouping import grouped_findings, split_message
from checks.services import filing_check_refresh
from projects.services import review
from tests.helpers.plain_filings import clean_filing, findings, with_row

VAGUE_ADVICE = "请改为可衡量的目标"


def _vague(people, make_filing, **changes):
    """A filing whose three 质量 rows have the same vague value: three findings of rule 11, one advice."""
    filing = make_filing(people.unit_a, name="模糊项目", rows_per_category=3, **changes)
    filing.indicators.filter(name__startswith="质量指标").update(value="有效")
    filing_check_refresh(filings=[filing])
    return filing


def _summary(html: str) -> str:
    start = html.index('id="checks"')
    return html[start : html.index("</section>", start)]


def _assert_one_box_listing_the_rows(html: str) -> None:
    boxes = [box[: box.index("</ul>")] for box in html.split('finding-group">')[1:]]
    [box] = [box for box in boxes if "是模糊的描述" in box]
    assert html.count(VAGUE_ADVICE) == 1 and VAGUE_ADVICE in box
    assert "以下 3 处" in box
    for number in (1, 2, 3):
        assert f"产出/质量 · 质量指标{number}</span>指标值“有效”是模糊的描述，无法考核" in box
    assert html.count("是模糊的描述") == 3  # listed in the box, not again one by one


@pytest.mark.django_db
def test_the_project_page_shows_many_of_one_finding_as_one_box(client, people, make_filing):
    filing = _vague(people, make_filing)
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_detail", args=[filing.pk])).content.decode()
    _assert_one_box_listing_the_rows(_summary(html))
    # Beside each row the row's own finding is still shown.
    table = html[html.index('class="indicator-sheet') :]
    assert table.count("是模糊的描述") == 3


@pytest.mark.django_db
def test_the_review_page_shows_them_as_one_box_too(client, people, make_filing):
    filing = _vague(people, make_filing)
    review.filing_submit(filing=filing, user=people.owner)
    client.force_login(people.reviewer)
    html = client.get(reverse("projects:filing_review", args=[filing.pk])).content.decode()
    _assert_one_box_listing_the_rows(_summary(html))


@pytest.mark.django_db
def test_the_edit_page_lists_them_as_one_box(client, people, make_filing):
    filing = _vague(people, make_filing)
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_edit", args=[filing.pk])).content.decode()
    problems = html[html.index('id="problems"') :]
    problems = problems[: problems.index("</div>")]
    _assert_one_box_listing_the_rows(problems)


def test_findings_of_one_rule_with_different_advice_or_of_other_rules_stay_apart():
    same = [
        Finding("vague_value", "warning", None, 1, "指标值“有效”是模糊的描述，无法考核：请改。", subject="a"),
        Finding("vague_value", "warning", None, 2, "指标值“显著”是模糊的描述，无法考核：请改。", subject="b"),
    ]
    other_advice = Finding("vague_value", "warning", None, 3, "定性指标超过一半：请改为数值。", subject="指标表")
    other_rule = Finding("row_complete", "warning", None, 4, "指标解释为空：请改。", subject="c")
    error = Finding("vague_value", "error", None, 5, "指标值“有效”是模糊的描述，无法考核：请改。", subject="d")
    groups = grouped_findings([*same, other_advice, other_rule, error])
    assert [len(group.items) for group in groups] == [2, 1, 1, 1]
    assert [item.subject for item in groups[0].items] == ["a", "b"]
    assert [item.text for item in groups[0].items] == [
        "指标值“有效”是模糊的描述，无法考核",
        "指标值“显著”是模糊的描述，无法考核",
    ]
    assert groups[0].advice == "请改。"


def test_a_colon_inside_quotes_does_not_cut_the_message():
    assert split_message("指标值“时间：年底”无法识别：请改。") == ("指标值“时间：年底”无法识别", "请改。")
    assert split_message("成本指标高于本年度项目金额。") == ("成本指标高于本年度项目金额。", "")


def test_notes_without_a_rule_are_not_cut_at_their_colon():
    class Note:
        severity, message = "error", "年度目标：未填写"

    [group] = grouped_findings([Note()])
    assert (group.is_group, group.message) == (False, "年度目标：未填写")


@pytest.mark.parametrize("year", [2023, 2026])
def test_example_dates_follow_the_filings_year(year):
    empty = findings(with_row(clean_filing(fiscal_year=year), "服务企业数量", value=""), "row_complete")
    unreadable = findings(
        with_row(clean_filing(fiscal_year=year), "服务企业数量", value="2天或16小时"), "value_readable"
    )
    for finding in [*empty, *unreadable]:
        assert "2024年" not in finding.message or year == 2024
    assert any(f"{year}年12月31日前" in finding.message for finding in empty)
    assert any(f"{year}年12月31日前" in finding.message for finding in unreadable)
