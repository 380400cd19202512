"""The district view and a unit's year in headless Chromium: a 管理员 reads the district, opens a
unit, and a filer links a task to a project whose name differs. Screenshots go to artifacts/screenshots/."""

import pytest

from projects.models import Filing, TaskLink
from tests.helpers.browser import chromium_page, shot
from tests.helpers.people import TEST_PASSWORD
from tests.helpers.samples import BAOAN_OVERALL
from tests.helpers.workbooks import make_filer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def _log_in(page, base, username, password=TEST_PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_the_district_and_a_units_year_in_the_browser(live_server, samples, people, browser_page):
    page, base = browser_page, live_server.url
    overall = Filing.objects.get(kind="overall", source_file=BAOAN_OVERALL.name)

    _log_in(page, base, "administrator")
    page.goto(f"{base}/units/?year=2023")
    row = page.locator("table.district tbody tr", has_text=overall.department.name)
    assert row.locator("td").last.inner_text() == "4"  # the four differences of the 宝安 整体 form
    page.click("table.district th a:has-text('二级项目本年度金额')")  # sort by amount
    page.wait_for_url("**sort=current**")
    shot(page, "30-district")

    page.click(f"text={overall.department.name}")
    page.wait_for_url(f"**/units/{overall.department_id}/2023/")
    assert page.locator("table.reconciliation tr.differs").count() == 4
    assert page.locator("figure.chart svg").count() == 3
    shot(page, "31-unit-year")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "31-unit-year-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    filer = make_filer(overall.department, username="baoan_filer")
    filer.set_password("secret-pass-123")
    filer.save()
    page.click("header form button")  # 退出
    _log_in(page, base, "baoan_filer", "secret-pass-123")
    page.goto(f"{base}/units/{overall.department_id}/2023/")
    project = Filing.objects.get(kind="project", department=overall.department, name="信息化建设管理费")
    page.select_option("#link-task", "信息化建设管理经费")
    page.select_option("#link-filing", str(project.pk))
    page.locator("form.link-form button:has-text('对应')").click()
    page.wait_for_load_state()
    assert "已对应" in page.locator(".messages").inner_text()
    linked = page.locator("table.reconciliation tbody tr", has_text="信息化建设管理经费")
    assert "信息化建设管理费" in linked.inner_text() and "手工对应" in linked.inner_text()
    assert TaskLink.objects.filter(filing=project, linked=True).count() == 1
    shot(page, "32-unit-year-linked")
