"""In headless Chromium: the filing page by keyboard (every control it
reaches is visible and named; ✕ marks a row deleted, struck through with 撤销, and only saving
deletes it), leaving a changed page asks first, and the filing, project and review pages at 390 px
(header grid stacked, one card per indicator row) and at 1366 px. Screenshots go to
artifacts/screenshots/."""

import re

import pytest

from indicators.models import Indicator
from projects.models import Status
from tests.helpers.browser import chromium_page, shot
from tests.helpers.people import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# The controls of the filing form the keyboard reaches that are not visible or have no name.
UNNAMED_OR_HIDDEN = """form => [...form.querySelectorAll("input, select, textarea, button")]
  .filter(el => el.type !== "hidden" && el.tabIndex >= 0 && !el.disabled && el.checkVisibility())
  .filter(el => {
    const box = el.getBoundingClientRect();
    const named = el.getAttribute("aria-label") || el.labels?.length || el.textContent.trim()
      || el.getAttribute("aria-labelledby") || el.closest("[role=group][aria-labelledby]");
    return !(box.width > 4 && box.height > 4 && named);
  })
  .map(el => el.outerHTML.slice(0, 120))"""

# Whether the page's beforeunload handler holds the page (what closing the tab asks).
WOULD_ASK = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  dispatchEvent(event);
  return event.defaultPrevented;
}"""


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def _log_in(page, base, username, lands_on):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands_on}")


def _fits(page, width):
    """Nothing on the page is wider than the screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _quantity_rows(page):
    group = page.locator("tbody.category").filter(has=page.locator("th.level2", has_text=re.compile("数量指标$")))
    return group.locator("tr[data-row]")


def test_the_filing_page_by_keyboard_on_a_phone_and_when_leaving_it(live_server, people, make_filing, browser_page):
    page, base = browser_page, live_server.url
    filing = make_filing(people.unit_a, rows_per_category=2)
    submitted = make_filing(people.unit_a, name="已送审的项目", code="440306231271599900099", status=Status.SUBMITTED)
    edit_url = f"{base}/filings/{filing.pk}/edit/"
    _log_in(page, base, "owner", lands_on="/")

    # Item 4: every control the keyboard reaches is visible and named.
    page.goto(edit_url)
    assert page.eval_on_selector("[data-filing-form]", UNNAMED_OR_HIDDEN) == []
    rows = _quantity_rows(page)
    first = rows.nth(0)
    first.locator("[data-row-action=down]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "删除此行"
    page.keyboard.press("Tab")  # past ✕: the next row's name, not a hidden checkbox
    assert page.evaluate("document.activeElement.name") == rows.nth(1).locator("input[name$='-name']").get_attribute(
        "name"
    )

    # ✕ by keyboard marks the row deleted, struck through, with 撤销 focused; 撤销 brings it back.
    first.locator("[data-row-action=remove]").focus()
    page.keyboard.press("Enter")
    assert "deleted" in first.get_attribute("class")
    assert first.locator("input[name$='-name']").evaluate("el => getComputedStyle(el).textDecorationLine") == (
        "line-through"
    )
    assert page.evaluate("document.activeElement.textContent") == "撤销"
    assert first.locator(".deleted-note").inner_text() == "保存时删除"
    shot(page, "21-row-marked-deleted")
    page.keyboard.press("Enter")
    assert "deleted" not in first.get_attribute("class")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "删除此行"

    # Item 8: a changed page asks before a link, the back button or closing takes the filer away.
    asked = []

    def dismiss(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator(".crumbs a").first.click()
    page.wait_for_timeout(0)
    assert asked == ["beforeunload"] and page.url == edit_url
    page.evaluate("history.back()")
    page.wait_for_function("true")
    assert asked == ["beforeunload", "beforeunload"] and page.url == edit_url

    # Deleting is undoable until the save; the save (which does not ask) deletes the marked row.
    kept = rows.nth(1).locator("input[name$='-name']").input_value()
    first.locator("[data-row-action=remove]").click()
    page.click("button[name=save]")
    page.wait_for_selector("text=已保存草稿")
    assert len(asked) == 2
    assert list(Indicator.objects.filter(filing=filing, category__name="数量").values_list("name", flat=True)) == [kept]
    page.locator(".crumbs a").first.click()  # saved: leaves without asking
    page.wait_for_url(re.compile(r"\?kind=project$"))
    assert len(asked) == 2

    # Item 6: the new-form page, the project page and the review page at 390 px and at 1366 px.
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.goto(f"{base}/filings/new/project/")
        _fits(page, size["width"])
        if size is PHONE:
            label, field = page.locator("label[for=id_name]").bounding_box(), page.locator("#id_name").bounding_box()
            assert label["y"] + label["height"] <= field["y"] and field["width"] > 300  # stacked, full width
            card = _quantity_rows(page).nth(0).bounding_box()
            name_box = _quantity_rows(page).nth(0).locator("input[name$='-name']").bounding_box()
            assert card["width"] > 330 and name_box["width"] > 300
        shot(page, f"21-new-filing-{name}")
        page.goto(f"{base}/filings/{filing.pk}/")
        _fits(page, size["width"])
        shot(page, f"21-filing-page-{name}")
    page.remove_listener("dialog", dismiss)

    page.click("header form button")
    _log_in(page, base, "reviewer", lands_on="/review/")
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.goto(f"{base}/filings/{submitted.pk}/review/")
        _fits(page, size["width"])
        shot(page, f"21-review-page-{name}")

    # Closing the tab runs the same beforeunload handler; headless Chromium shows no dialog for a
    # closing page, so the test asks the handler itself: it holds the page while it has changes.
    page.click("header form button")
    _log_in(page, base, "owner", lands_on="/")
    page.goto(edit_url)
    assert page.evaluate(WOULD_ASK) is False
    page.click("#id_name")
    page.keyboard.type("（改）")
    assert page.evaluate(WOULD_ASK) is True
