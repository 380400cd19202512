"""Turns the filing page's forms, as rendered, into the POST data a browser would send."""

from __future__ import annotations

from typing import Any

from django import forms


def _value(bound_field: forms.BoundField) -> Any:
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(bound_field.field, forms.NullBooleanField):
        # The 是/否 select sends "true" or "false"; left at 请选择 it sends "unknown", kept out here.
        chosen = bound_field.field.to_python(value)
        return "" if chosen is None else ("true" if chosen else "false")
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def _formset_data(formset: forms.BaseFormSet) -> dict[str, Any]:
    management = formset.management_form
    data = {management.add_prefix(name): _value(management[name]) for name in management.fields}
    for row_form in formset.forms:
        for name in row_form.fields:
            value = _value(row_form[name])
            if value != "":
                data[row_form.add_prefix(name)] = value
    return data


def filing_post_data(response: Any, **header_changes: Any) -> dict[str, Any]:
    """The header form, the indicator rows (``rows-``) and, on a 部门整体 page, the tasks (``tasks-``) as
    the page shows them, with ``header_changes`` on top."""
    form, formset, tasks = response.context["form"], response.context["formset"], response.context["tasks"]
    data = {name: _value(form[name]) for name in form.fields}
    data.update(_formset_data(formset))
    if tasks is not None:
        data.update(_formset_data(tasks))
    data.update(header_changes)
    return {key: value for key, value in data.items() if value != ""}
