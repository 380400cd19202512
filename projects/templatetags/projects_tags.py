from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from checks.templatetags.checks import check_counts, findings_beside, for_indicator
from projects import selectors
from projects.models import WAN

register = template.Library()
CENT = Decimal("0.01")


def money(amount: Decimal | None, unit: str = "元") -> str:
    """1234567.5 → 1,234,567.50 (元) or 1234567.5 → 123.46 (万元, rounded half up), with thousands
    separators: two decimals in either unit, as the official forms print them."""
    if amount is None:
        return ""
    value = amount / WAN if unit == "万元" else amount
    return f"{value.quantize(CENT, ROUND_HALF_UP):,}"


@register.filter(name="money", is_safe=True)
def money_cell(amount: Decimal | None, unit: str = "元") -> str:
    """``{{ amount|money:unit }}``: as ``money``; an amount in 万元 carries its exact value in 元 as
    its title, shown on hover (exports write the exact number)."""
    shown = money(amount, unit)
    if amount is None or unit != "万元":
        return shown
    return format_html('<span title="{} 元">{}</span>', f"{amount:,.2f}", shown)


@register.simple_tag
def list_cells(filing, cells, unit: str) -> SafeString:
    """``{% list_cells filing cells unit %}``: the cells of a list row, each as its column's role shows
    it. One tag per row, not an ``if`` per cell in the template: a list page has hundreds of cells."""
    return mark_safe("".join(_list_cell(filing, column, value, unit) for column, value in cells))


def _list_cell(filing, column, value, unit: str) -> str:
    """One cell, every value the filer wrote escaped. Written with f-strings rather than ``format_html``,
    whose checks cost more than a cell: a page of 50 rows took 2.6 ms that way."""
    role = column.role
    if role == "title":
        url = conditional_escape(reverse("projects:filing_detail", args=[filing.pk]))
        return f'<td><a href="{url}">{conditional_escape(value)}</a></td>'
    if role == "code":
        return f'<td class="code">{conditional_escape(value)}</td>'
    if role == "amount":
        return f'<td class="amount">{conditional_escape(money_cell(value, unit))}</td>'
    if role == "status":
        return f"<td>{status_badge(filing)}</td>"
    if role == "check":
        return f'<td class="nowrap">{check_counts(value)}</td>'  # the stored check, or None
    return f"<td>{'' if value is None else conditional_escape(value)}</td>"


@register.simple_tag
def status_badge(filing) -> str:
    """``{% status_badge filing %}``: the filing's status as a coloured label."""
    return format_html('<span class="status status-{}">{}</span>', filing.status, filing.get_status_display())


@register.filter
def get(mapping, key):
    """``notes.rows|get:row_id``: a dict lookup with a key from a variable."""
    if not mapping or key in (None, ""):
        return None
    try:
        return mapping.get(key) or mapping.get(int(key))
    except (TypeError, ValueError):
        return None


@register.filter
def marked_deleted(form) -> bool:
    """A formset form the page marked for deletion (shown struck through, with 撤销, after a refused save)."""
    return bool((getattr(form, "cleaned_data", None) or {}).get("DELETE"))


@register.simple_tag
def indicator_cells(row, columns, findings) -> SafeString:
    """``{% indicator_cells entry.row columns findings %}``: the cells of a filed indicator row, in the
    layout's columns, with the findings about the row in the last one. A table of more columns than
    the Shenzhen form's three labels each cell, for phones, where the cells stack. One tag per row,
    as ``list_cells``: a loop in the template looked up a dozen variables per cell."""
    labelled, last = len(columns) > 3, len(columns) - 1
    beside = findings_beside(for_indicator(findings, row.indicator_id))
    cells = (
        _indicator_cell(getattr(row, column.name, ""), column.label if labelled else None, beside if at == last else "")
        for at, column in enumerate(columns)
    )
    return mark_safe("".join(cells))


def _indicator_cell(value, label: str | None, beside: str) -> str:
    data_label = "" if label is None else f' data-label="{conditional_escape(label)}"'
    return f"<td{data_label}>{conditional_escape(value)}{beside}</td>"


@register.simple_tag(takes_context=True)
def user_roles(context) -> set[str]:
    request = context.get("request")
    if request is None:
        return set()
    if not hasattr(request, "_user_roles"):
        request._user_roles = selectors.roles_of(request.user)
    return request._user_roles
