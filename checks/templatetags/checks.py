"""Filters that pick the findings about one field or one indicator row out of a project's list.

{% load checks %}
{% findings_beside findings|for_field:"code" %}
{% findings_beside findings|for_indicator:indicator.pk %}
{% include "checks/_findings.html" with findings=findings|about_table %}
{% for group in findings|grouped %}…{% endfor %}
{% check_counts filing.filing_check %}
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from checks.grouping import FindingGroup, grouped_findings

register = template.Library()

_COUNTS = (
    ("errors", "badge-error", "错误：须修改后才能送审", "错误"),
    ("warnings", "badge-warning", "提示：建议修改", "提示"),
)


@register.simple_tag
def check_counts(check) -> SafeString:
    """The error and warning counts of a filing's stored check (``checks.FilingCheck``; empty when it
    was never checked), as a list row shows them. A tag, not an included template: a list has a row per
    filing, and an include costs ten times as much."""
    if not check:
        return format_html('<span class="badge badge-none">{}</span>', "未检查")
    shown = [(css, title, label, getattr(check, name)) for name, css, title, label in _COUNTS if getattr(check, name)]
    if not shown:
        return format_html('<span class="badge badge-ok">{}</span>', "无问题")
    badges = format_html_join("", '<span class="badge {}" title="{}">{} {}</span>', shown)
    return format_html('<span class="check-counts">{}</span>', badges)


@register.simple_tag
def findings_beside(findings) -> str:
    """The findings about one field or row, listed beside it (``checks/_findings.html``, compact), and
    nothing where there are none: a form has a cell for each field and row, most of them without
    findings, and an include costs as much for an empty list as for a full one."""
    if not findings:
        return ""
    return render_to_string("checks/_findings.html", {"findings": findings, "compact": True})


@register.filter
def for_field(findings, field: str):
    return [finding for finding in findings or () if finding.field == field]


@register.filter
def for_indicator(findings, indicator_id):
    return [
        finding
        for finding in findings or ()
        if finding.indicator_id is not None and finding.indicator_id == indicator_id
    ]


@register.filter
def about_table(findings):
    """Findings about the indicator table as a whole (a missing 二级指标, too many qualitative values)."""
    return [
        finding
        for finding in findings or ()
        if finding.field is None and finding.indicator_id is None and finding.row is None
    ]


@register.filter
def errors_only(findings):
    return [finding for finding in findings or () if finding.is_error]


@register.filter
def warnings_only(findings):
    return [finding for finding in findings or () if not finding.is_error]


@register.filter
def grouped(findings) -> list[FindingGroup]:
    """The findings with those of one rule and one advice gathered into a box (``checks.grouping``)."""
    return grouped_findings(findings or ())
