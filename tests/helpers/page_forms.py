"""Turns the filing page's forms, as rendered, into the POST data a browser would send."""


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def filing_post_data(response, **header_changes) -> dict:
    form, formset = response.context["form"], response.context["formset"]
    data = {name: _value(form[name]) for name in form.fields}
    if data.get("is_new") == "on":
        data["is_new"] = "true"
    elif form["is_new"].value() is False:
        data["is_new"] = "false"
    management = formset.management_form
    data.update({f"rows-{name}": _value(management[name]) for name in management.fields})
    for row_form in formset.forms:
        for name in row_form.fields:
            value = _value(row_form[name])
            if value != "":
                data[row_form.add_prefix(name)] = value
    data.update(header_changes)
    return {key: value for key, value in data.items() if value != ""}
