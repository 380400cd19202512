"""The admin names this application, not Django, and its filing lists fit a 1366 px
screen; and the check report (item 13) fits a phone. Screenshots go to artifacts/screenshots/."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.helpers.browser import chromium_page, shot
from tests.helpers.people import TEST_PASSWORD

ADMIN_TITLE = "预算绩效目标申报 管理"
CHANGELISTS = ["projectfiling", "programfiling", "overallfiling"]

# How much wider than its box the page, and the admin's table of results, is (0 when it fits).
OVERFLOW = """() => {
    const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const results = document.querySelector('#changelist .results');
    return [page, results ? results.scrollWidth - results.clientWidth : 0];
}"""


@pytest.mark.django_db
def test_no_admin_page_says_django(admin_client, samples):
    pages = [reverse("admin:index"), reverse("admin:projects_projectfiling_changelist")]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert "<title>" in html and ADMIN_TITLE in html
        assert "Django" not in html
    admin_client.logout()
    html = admin_client.get(reverse("admin:login")).content.decode()
    assert ADMIN_TITLE in html and "Django" not in html


@pytest.mark.django_db
def test_long_names_are_cut_in_the_list_with_the_whole_name_on_hover(admin_client, samples):
    html = admin_client.get(reverse("admin:projects_projectfiling_changelist"), {"q": "深汕"}).content.decode()
    unit = "深圳市深汕特别合作区智慧城市建设管理服务中心（本级）"
    assert f'<span title="{unit}">深圳市深汕特别合作区智慧城…</span>' in html


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_lists_fit_1366_px_and_the_check_report_fits_a_phone(live_server, samples, browser_page):
    page, base = browser_page, live_server.url
    User.objects.create_superuser("boss", password=TEST_PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    assert page.title().endswith(ADMIN_TITLE) and page.locator("#site-name").inner_text() == ADMIN_TITLE

    for model in CHANGELISTS:
        page.goto(f"{base}/admin/projects/{model}/")
        assert page.locator("#result_list tbody tr").count() > 0
        assert page.evaluate(OVERFLOW) == [0, 0], model
        if model == "projectfiling":
            shot(page, "40-admin-filings-1366")

    page.goto(f"{base}/checks/")
    shot(page, "41-check-report-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(OVERFLOW)[0] == 0
    # Neither table needs scrolling sideways: the totals fit, the filings are one card each.
    wraps = "[...document.querySelectorAll('.table-wrap')].map(wrap => wrap.scrollWidth - wrap.clientWidth)"
    assert page.evaluate(wraps) == [0, 0]
    shot(page, "41-check-report-phone")
