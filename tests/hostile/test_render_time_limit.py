"""Laying out a form has a time limit: past it, the render stops and the person is told why, rather
than a web worker being held until gunicorn kills it (or a background worker for ever)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from projects.printing import engine
from projects.printing.deadline import RenderTooLong, render_time_limit

pytestmark = pytest.mark.django_db

# Far below what any form takes to lay out (tens of milliseconds at least).
NO_TIME = 0.001


def test_a_loop_past_its_limit_is_stopped_and_the_timer_is_left_as_it_was(settings):
    settings.PDF_SECONDS_PER_FORM = 0.05
    started = time.monotonic()
    with pytest.raises(RenderTooLong, match="申报表排版超过 0.05 秒仍未完成"), render_time_limit():
        while time.monotonic() - started < 5:
            pass
    assert time.monotonic() - started < 1
    with render_time_limit():  # a fast block is not stopped, and nothing fires after it
        pass
    time.sleep(0.1)


def test_the_engine_stops_a_form_past_its_limit(settings):
    settings.PDF_SECONDS_PER_FORM = NO_TIME
    with pytest.raises(RenderTooLong):
        engine.pdf("<p>" + "长文本" * 20_000 + "</p>", "")


def test_the_project_pdf_past_its_limit_says_why_on_the_project_page(client, settings, people, make_filing):
    filing = make_filing(people.unit_a)
    client.force_login(people.owner)
    settings.PDF_SECONDS_PER_FORM = NO_TIME

    response = client.get(reverse("projects:filing_pdf", args=[filing.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("projects:filing_detail", args=[filing.pk])
    assert "申报表排版超过" in response.content.decode()
