"""In headless Chromium at a phone's width: the Excel page and an upload's preview fit the screen, a
long unit name or a wide preview table notwithstanding. Screenshots go to artifacts/screenshots/."""

import io

import pytest

from projects.models import Filing
from projects.services.excel import filings_to_workbook
from projects.services.imports import import_filings, read_source
from tests.helpers.browser import chromium_page, shot
from tests.helpers.provinces import SICHUAN
from tests.helpers.workbooks import make_filer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def test_the_excel_page_and_a_preview_fit_a_phone(live_server, browser_page):
    (filing,) = import_filings(sources=[read_source(SICHUAN)], year=2023).created
    make_filer(Filing.objects.get(pk=filing.pk).department, username="phone-filer")
    workbook = filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk))
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "phone-filer")
    page.fill("#id_password", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/excel/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "23-excel-phone")
    page.set_input_files(
        "input[name=workbook]",
        files=[{"name": "四川.xlsx", "mimeType": "application/octet-stream", "buffer": io.BytesIO(workbook).read()}],
    )
    page.locator("#upload button[type=submit]").click()
    page.wait_for_url(f"{base}/excel/import/")
    assert "无变化" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "23-excel-preview-phone")
