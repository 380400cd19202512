"""In headless Chromium: a workbook upload that is refused says why where the person
looks: at the top of the page they land on, in view without scrolling, on a desktop and on a phone.
Screenshots go to artifacts/screenshots/."""

import pytest

from tests.helpers.browser import chromium_page, shot
from tests.helpers.workbooks import make_filer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)  # the start of every .xls file


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 120) <= viewport["height"]


def test_a_refused_upload_is_explained_in_view_on_a_desktop_and_a_phone(live_server, people, browser_page):
    page, base = browser_page, live_server.url
    make_filer(people.unit_a, username="uploader")
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "uploader")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{base}/excel/")
        page.set_input_files(
            "input[name=workbook]",
            files=[{"name": "申报表.xls", "mimeType": "application/vnd.ms-excel", "buffer": OLD_EXCEL}],
        )
        page.locator("#upload button[type=submit]").click()
        page.wait_for_url(f"{base}/excel/import/")
        problems = page.locator("#upload-problems")
        assert "请在 Excel 中另存为 .xlsx 后上传" in problems.inner_text()
        assert _in_view(page, "#upload-problems"), f"the problems are out of view on the {name}"
        shot(page, f"21-upload-error-{name}")
