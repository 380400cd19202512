"""The partials the filing page and lists include, and the filters that pick findings for a place."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from checks.findings import Finding
from checks.models import FilingCheck
from projects.models import Filing

COST = Finding("cost_target", "error", None, 7, "成本指标高于本年度项目金额。", row=4, subject="产出/成本 · 项目总成本")
CODE = Finding("header_complete", "error", "code", None, "项目编码为空。", subject="项目编码")
TABLE = Finding("vague_value", "warning", None, None, "定性指标超过一半。", subject="指标表")


def test_the_findings_list_says_severity_place_and_message():
    html = render_to_string("checks/_findings.html", {"findings": [COST, TABLE]})
    assert 'class="finding finding-error"' in html and 'class="finding finding-warning"' in html
    assert "错误" in html and "提示" in html
    assert "产出/成本 · 项目总成本" in html and "成本指标高于本年度项目金额。" in html


def test_an_empty_list_says_nothing_was_found_unless_it_sits_beside_a_field():
    assert "检查未发现问题" in render_to_string("checks/_findings.html", {"findings": []})
    assert render_to_string("checks/_findings.html", {"findings": [], "compact": True}).strip() == ""


def test_the_filters_pick_the_findings_of_one_field_one_row_or_the_table():
    template = Template(
        "{% load checks %}{% for f in findings|for_field:'code' %}F:{{ f.message }}{% endfor %}"
        "{% for f in findings|for_indicator:7 %}I:{{ f.message }}{% endfor %}"
        "{% for f in findings|about_table %}T:{{ f.message }}{% endfor %}"
        "{% for f in findings|errors_only %}E{% endfor %}"
    )
    assert template.render(Context({"findings": [COST, CODE, TABLE]})) == (
        "F:项目编码为空。I:成本指标高于本年度项目金额。T:定性指标超过一半。EE"
    )


def test_findings_beside_a_field_are_the_compact_list_and_nothing_when_there_are_none():
    template = Template("{% load checks %}<td>{% findings_beside findings|for_field:'code' %}</td>")
    assert template.render(Context({"findings": [COST, TABLE]})) == "<td></td>"
    html = template.render(Context({"findings": [COST, CODE]}))
    assert html == "<td>" + render_to_string("checks/_findings.html", {"findings": [CODE], "compact": True}) + "</td>"
    assert 'class="findings findings-compact"' in html and "项目编码为空。" in html and "成本指标" not in html


def test_findings_beside_a_field_escape_the_message():
    hostile = Finding("header_complete", "error", "code", None, "<script>alert(1)</script>", subject="项目编码")
    html = Template("{% load checks %}{% findings_beside findings %}").render(Context({"findings": [hostile]}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def _counts(check) -> str:
    return Template("{% load checks %}{% check_counts check %}").render(Context({"check": check}))


def test_the_counts_badge_shows_errors_and_warnings():
    html = _counts(FilingCheck(errors=2, warnings=5))
    assert 'title="错误：须修改后才能送审">错误 2</span>' in html and "提示 5" in html
    html = _counts(FilingCheck(errors=0, warnings=3))
    assert "错误" not in html and "提示 3" in html
    assert "无问题" in _counts(FilingCheck(errors=0, warnings=0))


def test_a_filing_never_checked_shows_as_unchecked():
    assert "未检查" in _counts(None)


@pytest.mark.django_db
def test_a_list_row_can_pass_the_filings_check_even_when_there_is_none(samples):
    filing = Filing.objects.get(code="440306210601500000540")
    template = Template("{% load checks %}{% check_counts filing.filing_check %}")
    assert "错误 1" in template.render(Context({"filing": filing}))
    filing.filing_check.delete()
    filing = Filing.objects.get(pk=filing.pk)
    assert "未检查" in template.render(Context({"filing": filing}))
