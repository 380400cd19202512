"""The filing checks where people work: beside fields and rows, in the list, in the reviewer's queue."""

import pytest
from django.urls import reverse

from checks.services import filing_check_refresh
from projects.services import review

pytestmark = pytest.mark.django_db


def _submitted(people, make_filing, name, **cost):
    filing = make_filing(people.unit_a, name=name)
    review.filing_submit(filing=filing, user=people.owner)
    if cost:
        # A weak target found after submission (e.g. an admin edit): still submitted, now with errors.
        filing.indicators.filter(name="成本指标1").update(**cost)
    filing_check_refresh(filings=[filing])
    return filing


def test_the_filing_page_shows_a_finding_beside_its_row(client, people, make_filing):
    filing = make_filing(people.unit_a)
    filing.indicators.filter(name="数量指标1").update(value="≤10个")
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_detail", args=[filing.pk])).content.decode()
    assert "申报表检查：错误 0 处，提示" in html
    table = html[html.index('class="indicator-sheet') :]
    start = table.index("<td>数量指标1</td>")
    row_html = table[start : table.index("</tr>", start)]
    assert "finding-warning" in row_html and "上限" in row_html


def test_the_edit_page_lists_the_findings_while_editing(client, people, make_filing):
    filing = make_filing(people.unit_a)
    filing.indicators.filter(name="成本指标1").update(value="≤150万元")
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_edit", args=[filing.pk])).content.decode()
    assert "申报表检查发现" in html and "成本" in html


def test_the_filing_list_shows_error_and_warning_counts(client, people, make_filing):
    clean = make_filing(people.unit_a, name="无问题项目")
    weak = make_filing(people.unit_a, name="有错误项目")
    weak.indicators.filter(name="成本指标1").update(value="≤150万元")
    filing_check_refresh(filings=[clean, weak])
    client.force_login(people.owner)
    html = client.get(reverse("projects:filing_list")).content.decode()
    weak_row = html[html.index("有错误项目") :]
    assert "错误 1" in weak_row[: weak_row.index("</tr>")]
    clean_row = html[html.index("无问题项目") :]
    assert "错误" not in clean_row[: clean_row.index("</tr>")]


def test_the_queue_sorts_by_findings_and_filters_by_them(client, people, make_filing):
    first = _submitted(people, make_filing, "先送审无问题")
    second = _submitted(people, make_filing, "后送审有错误", value="≤150万元")
    client.force_login(people.reviewer)
    url = reverse("projects:review_queue")
    names = lambda response: [p.name for p in response.context["page"].object_list]  # noqa: E731
    assert names(client.get(url)) == [first.name, second.name]
    assert names(client.get(url, {"sort": "findings"})) == [second.name, first.name]
    assert names(client.get(url, {"check": "errors"})) == [second.name]
    assert first.name not in names(client.get(url, {"check": "errors"}))


def test_the_filing_page_offers_the_printable_form_as_pdf_and_excel(client, people, make_filing):
    filing = make_filing(people.unit_a)
    client.force_login(people.reviewer)
    html = client.get(reverse("projects:filing_detail", args=[filing.pk])).content.decode()
    assert reverse("projects:filing_pdf", args=[filing.pk]) in html
    assert reverse("projects:filing_xlsx", args=[filing.pk]) in html
