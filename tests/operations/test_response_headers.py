"""What every response says about itself: a Content-Security-Policy, no caching of what a signed-in
person sees; and pages that need no more than the policy allows (no inline script, style or event
handler: the scripts are files of static/js)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from projects.models import Filing

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_every_page_carries_a_policy_that_allows_no_inline_script(client):
    policy = _policy(client.get(reverse("login")))

    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'none'"]


def test_pages_and_downloads_for_a_signed_in_person_are_not_cached(client, people, make_filing):
    filing = make_filing(people.unit_a)
    client.force_login(people.owner)

    for url in (reverse("projects:filing_list"), reverse("projects:filing_detail", args=[filing.pk])):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
    download = client.get(reverse("projects:filing_xlsx", args=[filing.pk]))
    assert "no-store" in download["Cache-Control"]


def test_the_login_page_is_not_cached_either(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


class _InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def _inline_in(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_apps_pages_hold_no_inline_script_style_or_handler(client, samples):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("inline-admin", password="unused-password-1"))
    filing = Filing.objects.filter(kind="project").order_by("pk").first()
    overall = Filing.objects.filter(kind="overall").order_by("pk").first()
    assert filing is not None and overall is not None
    pages = [
        reverse("projects:filing_list"),
        reverse("projects:filing_detail", args=[filing.pk]),
        reverse("projects:filing_edit", args=[filing.pk]),
        reverse("projects:filing_edit", args=[overall.pk]),
        reverse("projects:filing_create", args=["project"]),
        reverse("projects:review_queue"),
        reverse("projects:unit_year", args=[overall.department_id, overall.fiscal_year]),
        reverse("projects:district"),
        reverse("projects:excel_home"),
        reverse("projects:department_pdf"),
        reverse("jobs:list"),
        reverse("checks:report"),
        reverse("notices:list"),
        reverse("password_change"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _inline_in(response.content.decode()) == [], url
    client.logout()
    assert _inline_in(client.get(reverse("login")).content.decode()) == []
