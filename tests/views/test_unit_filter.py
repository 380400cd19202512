"""The list's unit filter keeps the unit chosen (its options are written by the form renderer,
``budgetperf.form_rendering``)."""

import pytest


@pytest.mark.django_db
def test_the_list_filter_keeps_the_chosen_unit(client, people):
    from tests.helpers.workbooks import make_filer

    make_filer(people.unit_a, username="lister")
    client.login(username="lister", password="secret-pass-123")
    html = client.get("/", {"department": people.unit_a.pk}).content.decode()
    assert f'<option value="{people.unit_a.pk}" selected>{people.unit_a.name}</option>' in html
