"""In headless Chromium: the first Tab on a page reaches a link past the menu to the page's content."""

import pytest

from tests.helpers.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def test_the_first_tab_offers_to_skip_the_menu(live_server, people, browser_page):
    from tests.helpers.workbooks import make_filer

    make_filer(people.unit_a, username="keyboard")
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "keyboard")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/excel/")
    assert not page.locator(".skip-link").is_visible() or page.locator(".skip-link").bounding_box()["y"] < 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # in view once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
