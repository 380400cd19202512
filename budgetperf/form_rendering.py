"""Django's form renderer, with the plain inputs, text areas and selects written in Python.

Django renders every widget through a template of its own, and a select each of its options through
another: the 填报 edit page has a hundred widgets (a 三级指标 row is five), which took about half of
the page's time, and a unit filter holds every unit of a city. These templates only write the tags
and their attributes, so ``FastWidgets`` writes the same HTML directly; every other widget (radios,
check box lists, a clearable file input) is rendered by its template, as before. A test compares the
two for each widget written here, and checks that Django's templates still are the ones this module
copies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
# The widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "search",
        "color",
        "tel",
        "file",
    )
)
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"


class FastWidgets(DjangoTemplates):
    """``FORM_RENDERER``: inputs and text areas written directly, every other template as Django
    renders it."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_tag(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return textarea_tag(context["widget"])
        if template_name == SELECT_TEMPLATE and _plain_options(context["widget"]):
            return select_tag(context["widget"])
        return super().render(template_name, context, request)


def input_tag(widget: Mapping[str, Any]) -> SafeString:
    """As ``input.html``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return mark_safe(f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget)}>')


def textarea_tag(widget: Mapping[str, Any]) -> SafeString:
    """As ``textarea.html``: the text after a line break, which browsers drop."""
    value = widget["value"]
    return mark_safe(
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget)}>\n{_text(value) if value else ""}</textarea>'
    )


def select_tag(widget: Mapping[str, Any]) -> SafeString:
    """As ``select.html`` with each option as ``select_option.html``, line breaks and all."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget)}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts += (
            f'\n  <option value="{_text(option["value"])}"{_attrs(option)}>{_text(option["label"])}</option>\n'
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _plain_options(widget: Mapping[str, Any]) -> bool:
    return all(
        option["template_name"] == OPTION_TEMPLATE for _, options, _ in widget["optgroups"] for option in options
    )


def _attrs(widget: Mapping[str, Any]) -> str:
    """As ``attrs.html``: an attribute that is True is written bare, one that is False is left out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in widget["attrs"].items()
        if value is not False
    )


def _text(value: Any) -> str:
    """As ``{{ value|stringformat:'s' }}``: escaped, unless it is marked safe."""
    return conditional_escape(str(value))
