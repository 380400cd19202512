"""To-do and notices in headless Chromium: a reviewer lands on 待我审核 with its count; a filer finds
what was returned (with the reason) and approved under 通知, opens one by keyboard, and marks the rest
read. Screenshots of the pages, on a desktop and on a phone, go to artifacts/screenshots/."""

import re

import pytest

from notices.models import Notice
from projects.services import review
from tests.helpers.browser import chromium_page, shot
from tests.helpers.people import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def _log_in(page, base, username, lands_on):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands_on}")


def _count(page, link):
    """The number beside a link of the navigation, or "" when none shows."""
    badge = page.locator("header nav a", has_text=link).locator(".nav-count")
    return badge.inner_text().split()[0] if badge.count() else ""


def test_a_filer_reads_the_notices_of_their_returned_and_approved_filings(
    live_server, people, make_filing, browser_page
):
    page, base = browser_page, live_server.url
    returned, approved, waiting = (
        make_filing(people.unit_a, name=name) for name in ("政务服务大厅运行保障", "数据中心运维", "网络安全等级保护")
    )
    for filing in (returned, approved, waiting):
        review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=returned, user=people.reviewer, reason="服务人次目标偏低，请按上年实际调整")
    review.filing_approve(filing=approved, user=people.reviewer, comment="同意")

    # 审核人 lands on 待我审核, the one waiting filing counted beside it.
    _log_in(page, base, "reviewer", lands_on="/review/")
    assert _count(page, "待我审核") == "1"
    assert page.locator("tr", has_text="网络安全等级保护").count() == 1
    shot(page, "10-reviewer-lands-on-queue")
    page.click("header form button")
    page.wait_for_url(re.compile(r"/accounts/login/"))

    # 填报人 sees two unread notices counted beside 通知, and opens the list.
    _log_in(page, base, "owner", lands_on="/")
    assert _count(page, "通知") == "2"
    page.click("header nav >> text=通知")
    page.wait_for_url(f"{base}/notices/")
    items = page.locator(".notice-list li.notice")
    assert items.count() == 2
    assert items.nth(0).locator(".status").inner_text() == "审核通过"  # the newest first
    assert "退回原因：服务人次目标偏低，请按上年实际调整" in items.nth(1).inner_text()
    assert page.locator(".notice-list .unread-mark").count() == 2
    shot(page, "11-notices")
    page.set_viewport_size(PHONE)
    shot(page, "12-notices-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    # By keyboard: focus the returned filing's notice, press Enter, land on the filing, one fewer unread.
    items.filter(has_text="退回原因").locator("a").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/filings/{returned.pk}/")
    assert "服务人次目标偏低" in page.locator(".panel.returned").inner_text()
    assert _count(page, "通知") == "1"
    assert Notice.objects.get(filing=returned).read_at is not None

    # Back on the list the read notice sinks below the unread one; 全部标为已读 clears the count.
    page.goto(f"{base}/notices/")
    assert items.nth(0).get_attribute("class").split()[-1] == "unread"
    assert "退回原因" in items.nth(1).inner_text()
    page.click("button:has-text('全部标为已读')")
    page.wait_for_selector("text=已将 1 条通知标为已读")
    assert _count(page, "通知") == ""
    assert page.locator(".notice-list .unread-mark").count() == 0
    shot(page, "13-notices-all-read")
