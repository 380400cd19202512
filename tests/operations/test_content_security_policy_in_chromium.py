"""The Content-Security-Policy in headless Chromium: the app's pages, their scripts (static/js), the
inline SVG charts and the admin's pages load without a single violation, and the page scripts still
work under it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from projects.models import Filing
from tests.helpers.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "csp-test-password-1"


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def test_the_pages_and_the_admin_break_no_rule_of_the_policy(live_server, samples, browser_page):
    User.objects.create_superuser("csp-admin", password=PASSWORD)
    filing = Filing.objects.filter(kind="project").order_by("pk").first()
    assert filing is not None
    page, base = browser_page, live_server.url
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    for path in [
        "/?kind=project",
        f"/filings/{filing.pk}/",
        f"/units/{filing.department_id}/{filing.fiscal_year}/",
        "/units/",
        "/review/",
        "/excel/",
        "/export/pdf/",
        "/jobs/",
        "/checks/",
        "/notices/",
        "/accounts/password_change/",
        "/admin/",
        "/admin/projects/projectfiling/",
        f"/admin/projects/projectfiling/{filing.pk}/change/",
        f"/admin/projects/department/{filing.department_id}/history/",
        "/admin/projects/projectfiling/import/",
        "/admin/projects/projectfiling/export/",
        "/admin/indicators/indicator/",
        "/admin/auth/user/add/",
    ]:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.ok, path
        assert response.headers.get("content-security-policy"), path

    # The edit page's script (static/js/filing_form.js) adds a row under the policy.
    page.goto(f"{base}/filings/{filing.pk}/edit/")
    rows = page.locator("tr[data-row]")
    before = rows.count()
    page.locator("[data-row-action=add]").first.click()
    assert rows.count() == before + 1
    # The admin export page's "select all" box, allowed by its hash.
    page.goto(f"{base}/admin/projects/projectfiling/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:checked")
    assert fields.count() > 0
    page.locator("input.select-toggle").uncheck()
    assert fields.count() == 0

    assert violations == []
