"""The list's unit filter renders its hundreds of options in one pass, as the same HTML Django's
select renders through a template per option."""

import pytest
from django import forms
from django.test.html import parse_html
from hypothesis import given
from hypothesis import strategies as st

from projects.widgets import PlainSelect

_names = st.text(alphabet=st.sampled_from("甲乙丙<>&\"' 单位(本级)"), min_size=1, max_size=12)


@given(names=st.lists(_names, max_size=30), chosen=st.integers(min_value=-1, max_value=30))
def test_the_plain_select_is_the_html_django_renders(names, chosen):
    choices = [("", "全部单位"), *enumerate(names, start=1)]
    attrs = {"id": "id_department", "aria-label": "填报单位"}
    value = str(chosen) if chosen >= 0 else None
    django_select = forms.Select(choices=choices, attrs=attrs).render("department", value)
    plain = PlainSelect(choices=choices, attrs=attrs).render("department", value)
    assert parse_html(plain) == parse_html(django_select)


@pytest.mark.django_db
def test_the_list_filter_keeps_the_chosen_unit(client, people):
    from tests.helpers.workbooks import make_filer

    make_filer(people.unit_a, username="lister")
    client.login(username="lister", password="secret-pass-123")
    html = client.get("/", {"department": people.unit_a.pk}).content.decode()
    assert f'<option value="{people.unit_a.pk}" selected>{people.unit_a.name}</option>' in html
