from decimal import Decimal

from django import template

from indicators.values import decimal_places
from projects import selectors
from projects.models import WAN

register = template.Library()


@register.filter
def money(amount: Decimal | None, unit: str = "元") -> str:
    """1234567.5 → 1,234,567.50 (元) or 123.456750 → 123.46 (万元), with thousands separators.

    万元 shows two decimals, or more (up to six) when the amount has more, so no 元 is hidden.
    """
    if amount is None:
        return ""
    if unit == "万元":
        value = (amount / WAN).normalize()
        places = min(6, max(2, decimal_places(value)))
        return f"{value:,.{places}f}"
    return f"{amount:,.2f}"


@register.filter
def get(mapping, key):
    """``notes.rows|get:row_id``: a dict lookup with a key from a variable."""
    if not mapping or key in (None, ""):
        return None
    try:
        return mapping.get(key) or mapping.get(int(key))
    except (TypeError, ValueError):
        return None


@register.simple_tag
def cell(row: object, name: str) -> object:
    """``{% cell row column.name %}``: a row's value in a column named by a variable."""
    return getattr(row, name, "")


@register.simple_tag(takes_context=True)
def user_roles(context) -> set[str]:
    request = context.get("request")
    if request is None:
        return set()
    if not hasattr(request, "_user_roles"):
        request._user_roles = selectors.roles_of(request.user)
    return request._user_roles
