"""Filters that pick the findings about one field or one indicator row out of a project's list.

{% load checks %}
{% include "checks/_findings.html" with findings=findings|for_field:"code" compact=True %}
{% include "checks/_findings.html" with findings=findings|for_indicator:indicator.pk compact=True %}
{% include "checks/_findings.html" with findings=findings|about_table %}
{% for group in findings|grouped %}…{% endfor %}
"""

from django import template

from checks.grouping import FindingGroup, grouped_findings

register = template.Library()


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
