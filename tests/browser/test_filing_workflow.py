"""The daily workflow in headless Chromium against the running app: file, get returned, fix,
resubmit, get approved. Screenshots of the main pages go to artifacts/screenshots/."""

import re

import pytest

from projects.models import Filing, Status
from tests.helpers.browser import chromium_page, shot
from tests.helpers.people import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = "440306231271599900001"


@pytest.fixture
def browser_page(monkeypatch):
    yield from chromium_page(monkeypatch)


def _log_in(page, base, username, screenshot=None, lands_on="/"):
    page.goto(f"{base}/accounts/login/")
    if screenshot:
        shot(page, screenshot)
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands_on}")


def _log_out(page):
    page.click("header form button")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def _group(page, name):
    """The tbody of one 二级指标 on the filing page."""
    return page.locator("tbody.category").filter(
        has=page.locator("th.level2", has_text=re.compile(f"^\\*?{name}指标$"))
    )


def _fill_row(group, index, name, value, explanation):
    row = group.locator("tr[data-row]").nth(index)
    row.locator("input[name$='-name']").fill(name)
    row.locator("input[name$='-value']").fill(value)
    row.locator("textarea[name$='-explanation']").fill(explanation)


def test_a_filing_goes_from_draft_to_returned_to_approved_in_the_browser(live_server, people, browser_page):
    page, base = browser_page, live_server.url

    # 填报人 creates a 二级 filing with rows under several 二级指标 and saves it incomplete.
    _log_in(page, base, "owner", screenshot="00-login")
    shot(page, "01-filing-list")
    page.click("text=＋ 新建二级项目申报表")
    page.wait_for_url(f"{base}/filings/new/project/")
    page.fill("#id_code", CODE)
    page.fill("#id_name", "政务服务大厅运行保障")
    page.select_option("#id_department", label=people.unit_a.name)
    page.fill("#id_duration_years", "3")
    page.fill("#id_project_type", "15 其他经费")
    page.select_option("#id_is_new", "false")
    page.select_option("#id_allocation", "项目法")
    page.check("input[name=amount_unit][value=万元]")
    page.fill("#id_total_amount", "1,500")
    page.fill("#id_current_amount", "500")
    page.fill("#id_policy_basis", "《深圳市政务服务管理办法》")
    page.fill("#id_calculation_basis", "运行保障 500 万元")
    quantity = _group(page, "数量")
    _fill_row(quantity, 0, "服务人次", "≥10万人次", "大厅年度服务人次")
    quantity.locator("[data-row-action=add]").click()
    _fill_row(quantity, 1, "办理事项数", "≥300项", "进驻事项数量")
    _fill_row(_group(page, "质量"), 0, "办件合格率", "≥98%", "抽查合格办件占比")
    timeliness = _group(page, "时效")
    _fill_row(timeliness, 0, "按时办结率", "100%", "按承诺时限办结的比例")
    timeliness.locator("[data-row-action=add]").click()
    _fill_row(timeliness, 1, "写错的一行", "1", "1")
    timeliness.locator("tr[data-row]").nth(1).locator("[data-row-action=remove]").click()
    assert timeliness.locator("tr[data-row]:not(.deleted)").count() == 1  # struck through until saved
    _fill_row(_group(page, "成本"), 0, "运行成本", "≤500万元", "年度运行经费")
    _group(page, "经济效益").locator("[data-not-applicable]").check()
    _fill_row(_group(page, "社会效益"), 0, "群众办事便利度", "显著提升", "办事便利度")
    _fill_row(_group(page, "服务对象满意度"), 0, "群众满意度", "≥90%", "满意度调查结果")
    shot(page, "02-new-filing")
    page.click("button[name=save]")
    page.wait_for_selector("text=已保存草稿")
    filing = Filing.objects.get(code=CODE)
    assert (filing.kind, filing.department, filing.project_header.top_unit) == ("project", people.unit_a, people.unit_a)
    assert (filing.project_header.is_new, filing.project_header.current_amount) == (False, 5_000_000)
    assert filing.indicators.filter(category__name="数量").count() == 2
    assert filing.indicators.get(category__name="经济效益").not_applicable
    assert list(filing.indicators.filter(category__name="时效").values_list("name", flat=True)) == ["按时办结率"]

    # Submitting fails: the missing 年度目标 and 长期目标 are listed, then fixed.
    page.click("button[name=submit]")
    page.wait_for_selector("#problems")
    problems = page.locator("#problems").inner_text()
    assert "年度目标：未填写" in problems and "长期目标" in problems
    assert page.locator("#id_annual_goal ~ ul.notes").inner_text() == "年度目标：未填写"
    shot(page, "03-submission-refused")
    page.fill("#id_annual_goal", "保障大厅全年平稳运行")
    page.fill("#id_long_term_goal", "持续提升政务服务水平")
    page.click("button[name=submit]")
    page.wait_for_selector("text=已保存并送审")
    assert page.locator("h1 .status").inner_text() == "已送审"
    _log_out(page)

    # 审核人 lands on the queue, finds it there and returns it with a reason.
    _log_in(page, base, "reviewer", lands_on="/review/")
    shot(page, "04-review-queue")
    page.locator("tr", has_text=CODE).locator("text=审核").click()
    shot(page, "05-review-page")
    page.fill("#id_reason", "服务人次目标偏低，请按上年实际调整")
    page.click("button:has-text('退回')")
    page.wait_for_selector("text=已退回填报人修改")
    _log_out(page)

    # 填报人 sees the reason, fixes the row and resubmits.
    _log_in(page, base, "owner")
    page.click("text=政务服务大厅运行保障")
    assert "服务人次目标偏低，请按上年实际调整" in page.locator(".panel.returned").inner_text()
    shot(page, "06-returned-filing")
    page.click("text=修改申报表")
    quantity = _group(page, "数量")
    quantity.locator("tr[data-row]").nth(0).locator("input[name$='-value']").fill("≥12万人次")
    quantity.locator("tr[data-row]").nth(1).locator("[data-row-action=up]").click()
    page.click("button[name=submit]")
    page.wait_for_selector("text=已保存并送审")
    assert [row.name for row in filing.indicators.filter(category__name="数量").order_by("position")] == [
        "办理事项数",
        "服务人次",
    ]
    _log_out(page)

    # 审核人 sees what changed since the return, and approves.
    _log_in(page, base, "reviewer", lands_on="/review/")
    page.goto(f"{base}/filings/{filing.pk}/review/")
    changes = page.locator("#changes").inner_text()
    assert "≥10万人次" in changes and "≥12万人次" in changes
    shot(page, "07-review-changes")
    page.click("button:has-text('审核通过')")
    page.wait_for_selector("text=审核通过")
    _log_out(page)

    # The approved filing is read-only for its 填报人.
    _log_in(page, base, "owner")
    page.goto(f"{base}/filings/{filing.pk}/")
    assert page.locator("text=修改申报表").count() == 0
    assert page.locator("h1 .status").inner_text() == "审核通过"
    shot(page, "08-approved-filing-with-history")
    page.goto(f"{base}/filings/{filing.pk}/edit/")
    assert page.url == f"{base}/filings/{filing.pk}/"
    assert page.locator("text=该申报表审核通过，不能修改").count() == 1
    filing.refresh_from_db()
    assert filing.status == Status.APPROVED


def test_an_overall_filing_is_created_with_its_tasks_in_the_browser(live_server, people, browser_page):
    page, base = browser_page, live_server.url

    # 填报人 opens the 部门整体 tab and creates its form: two tasks added on the page, one removed.
    _log_in(page, base, "owner")
    page.click(".kind-tabs >> text=部门整体")
    page.click("text=＋ 新建部门整体申报表")
    page.wait_for_url(f"{base}/filings/new/overall/")
    page.select_option("#id_department", label=people.unit_a.name)
    page.select_option("#id_competent_unit", label=people.unit_a.name)
    page.fill("#id_goals", "目标 1：保障政务服务大厅平稳运行。")
    page.check("input[name=amount_unit][value=万元]")
    tasks = page.locator("tr[data-task]")
    assert tasks.count() == 1  # a new form starts with one blank task

    def fill_task(index, name, content, total):
        task = tasks.nth(index)
        task.locator("input[name$='-name']").fill(name)
        task.locator("textarea[name$='-content']").fill(content)
        task.locator("input[name$='-total_amount']").fill(total)
        task.locator("input[name$='-fiscal_amount']").fill(total)
        task.locator("input[name$='-other_amount']").fill("0")

    fill_task(0, "基本支出", "人员和公用经费", "1,000")
    page.click("[data-task-action=add]")
    fill_task(1, "写错的任务", "1", "1")
    page.click("[data-task-action=add]")
    fill_task(2, "大厅运行", "大厅物业和运维", "500.5")
    tasks.nth(1).locator("[data-task-action=remove]").click()
    assert page.locator("tr[data-task]:not(.deleted)").count() == 2
    shot(page, "09-new-overall-filing")
    page.click("button[name=save]")
    page.wait_for_selector("text=已保存草稿")

    filing = Filing.objects.get(kind="overall", department=people.unit_a)
    assert filing.overall_header.competent_unit == people.unit_a
    assert [(t.name, t.content, t.total_amount) for t in filing.tasks.order_by("position")] == [
        ("基本支出", "人员和公用经费", 10_000_000),
        ("大厅运行", "大厅物业和运维", 5_005_000),
    ]
    # The page shows the stored tasks again, in the filing's unit.
    assert [tasks.nth(i).locator("input[name$='-total_amount']").input_value() for i in range(tasks.count())] == [
        "1,000.00",
        "500.50",
    ]
