"""The form renderer writes inputs and text areas exactly as Django's templates would."""

from pathlib import Path

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from hypothesis import given
from hypothesis import strategies as st

from budgetperf.form_rendering import INPUT_TEMPLATES, TEXTAREA_TEMPLATE, FastWidgets

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


def test_a_select_is_still_rendered_by_its_template():
    select = forms.Select(choices=[("1", "一"), ("2", "二")])
    assert select.render("n", "2", renderer=FastWidgets()) == select.render("n", "2", renderer=DjangoTemplates())
