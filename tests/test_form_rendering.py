"""The form renderer writes inputs and text areas exactly as Django's templates would."""

from pathlib import Path

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from budgetperf.form_rendering import (
    INPUT_TEMPLATES,
    OPTION_TEMPLATE,
    SELECT_TEMPLATE,
    TEXTAREA_TEMPLATE,
    FastWidgets,
)

TEMPLATES = Path(django.forms.__file__).parent / "templates"
# The templates FastWidgets writes in Python, as Django 5.2 ships them.
SHIPPED = {
    "django/forms/widgets/input.html": '<input type="{{ widget.type }}" name="{{ widget.name }}"'
    "{% if widget.value != None %} value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n',
    "django/forms/widgets/attrs.html": "{% for name, value in widget.attrs.items %}{% if value is not False %} "
    "{{ name }}{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}",
    TEXTAREA_TEMPLATE: '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
    "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n",
    SELECT_TEMPLATE: '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
    "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
    '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
    "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
    "  </optgroup>{% endif %}{% endfor %}\n</select>\n",
    OPTION_TEMPLATE: "<option value=\"{{ widget.value|stringformat:'s' }}\""
    '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n',
}
INCLUDE_INPUT = '{% include "django/forms/widgets/input.html" %}\n'

WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.SearchInput,
    forms.ColorInput,
    forms.TelInput,
    forms.FileInput,
    forms.Textarea,
]
texts = st.text(alphabet=st.sampled_from("ab 12<>&\"'指标值≥%\n"), max_size=12)
values = st.one_of(st.none(), st.just(""), st.just(0), st.booleans(), texts)
attributes = st.dictionaries(
    st.sampled_from(["id", "class", "placeholder", "maxlength", "aria-label", "data-x", "required", "readonly"]),
    st.one_of(st.booleans(), texts, st.integers(0, 500)),
    max_size=4,
)


def test_django_still_ships_the_templates_written_here():
    for name, source in SHIPPED.items():
        assert (TEMPLATES / name).read_text() == source, name
    for name in INPUT_TEMPLATES - {"django/forms/widgets/input.html"}:
        assert (TEMPLATES / name).read_text() == INCLUDE_INPUT, name


def test_the_project_renders_forms_with_it():
    assert isinstance(get_default_renderer(), FastWidgets)


@pytest.mark.parametrize("widget_class", WIDGETS, ids=lambda widget: widget.__name__)
@given(value=values, attrs=attributes, name=texts)
def test_each_widget_is_written_as_its_template_writes_it(widget_class, value, attrs, name):
    widget = widget_class(attrs=attrs)
    assert widget.template_name in INPUT_TEMPLATES | {TEXTAREA_TEMPLATE}
    written = widget.render(name, value, renderer=FastWidgets())
    assert written == widget.render(name, value, renderer=DjangoTemplates())


labels = st.text(alphabet=st.sampled_from("甲乙丙<>&\"' 单位(本级)"), min_size=1, max_size=12)
choices = st.lists(
    st.one_of(
        st.tuples(st.integers(0, 99), labels),
        st.tuples(labels, st.lists(st.tuples(st.integers(0, 99), labels), max_size=4)),  # an option group
    ),
    max_size=12,
)


@pytest.mark.parametrize("widget_class", [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect])
@given(options=choices, chosen=st.one_of(st.none(), st.integers(0, 99)), attrs=attributes)
def test_a_select_is_written_as_its_templates_write_it(widget_class, options, chosen, attrs):
    widget = widget_class(attrs=attrs) if widget_class is forms.NullBooleanSelect else widget_class(attrs, options)
    value = [chosen] if widget_class is forms.SelectMultiple else chosen
    written = widget.render("department", value, renderer=FastWidgets())
    assert written == widget.render("department", value, renderer=DjangoTemplates())


def test_radio_buttons_are_still_rendered_by_their_templates():
    radios = forms.RadioSelect(choices=[("万元", "万元"), ("元", "元")])
    assert radios.render("unit", "元", renderer=FastWidgets()) == radios.render(
        "unit", "元", renderer=DjangoTemplates()
    )
    assert 'type="radio"' in radios.render("unit", "元", renderer=FastWidgets())


@pytest.mark.django_db
def test_an_admin_lists_row_check_boxes_are_djangos_written_directly(admin_client, people):
    html = admin_client.get(reverse("admin:projects_department_changelist")).content.decode()
    unit = people.unit_a
    label = format_html(gettext("Select this object for an action - {}"), str(unit))
    check_box = f'<input type="checkbox" name="_selected_action" value="{unit.pk}" class="action-select"'
    assert f'{check_box} aria-label="{label}">' in html
