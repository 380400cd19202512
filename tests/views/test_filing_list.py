from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Status
from tests.helpers.filings import make_overall, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(client, people, make_filing):
    client.force_login(people.owner)
    filings = {
        "fee": make_filing(
            people.unit_a,
            name="公章补贴经费",
            year=2023,
            project_type="15 其他经费",
            current_amount=Decimal("10698600.00"),
        ),
        "it": make_filing(
            people.unit_a_child, name="信息化建设", year=2024, project_type="02 政府投资项目", status=Status.SUBMITTED
        ),
        "rent": make_filing(
            people.unit_a, name="分厅租赁", year=2024, project_type="15 其他经费", status=Status.APPROVED
        ),
    }
    return client, filings


def _names(response):
    return sorted(filing.name for filing in response.context["page"].object_list)


URL = reverse("projects:filing_list")


def test_the_root_url_is_the_filing_list(listing):
    client, _ = listing
    assert client.get("/").resolver_match.url_name == "filing_list"


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"year": 2024}, ["信息化建设", "分厅租赁"]),
        ({"status": "approved"}, ["分厅租赁"]),
        ({"project_type": "02 政府投资项目"}, ["信息化建设"]),
        ({"year": 2024, "project_type": "15 其他经费"}, ["分厅租赁"]),
        ({"q": "公章"}, ["公章补贴经费"]),
    ],
)
def test_the_list_filters_by_year_status_type_and_searches_by_name(listing, query, expected):
    client, _ = listing
    assert _names(client.get(URL, query)) == sorted(expected)


def test_the_list_filters_by_department(listing, people):
    client, _ = listing
    assert _names(client.get(URL, {"department": people.unit_a_child.pk})) == ["信息化建设"]


def test_the_list_searches_by_code(listing):
    client, filings = listing
    assert _names(client.get(URL, {"q": filings["it"].code[-6:]})) == ["信息化建设"]


def test_a_department_outside_the_users_scope_is_not_a_filter_choice(listing, people):
    client, _ = listing
    response = client.get(URL, {"department": people.unit_b.pk})
    assert "department" in response.context["filters"].errors


def test_amounts_show_in_wan_yuan_by_default_and_in_yuan_on_request(listing):
    client, _ = listing
    assert "1,069.86" in client.get(URL).content.decode()
    html = client.get(URL, {"unit": "元"}).content.decode()
    assert "10,698,600.00" in html and "本年度项目金额（元）" in html
    assert "10,698,600.00" in client.get(URL).content.decode()  # the choice is remembered


def test_the_list_is_paginated_by_50(client, people, make_filing):
    client.force_login(people.owner)
    for number in range(53):
        make_filing(people.unit_a, name=f"项目{number:02d}", rows_per_category=0, with_optional_rows=False)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 3
    assert "第 2 / 2 页" in second.content.decode()


def test_batch_submission_from_the_list_reports_each_result(client, people, make_filing):
    client.force_login(people.owner)
    ready = make_filing(people.unit_a, name="完整")
    lacking = make_filing(people.unit_a, name="不完整", policy_basis="")
    response = client.post(
        reverse("projects:batch_submit"), {"selected": [ready.pk, lacking.pk], "next": URL}, follow=True
    )
    html = response.content.decode()
    assert f"已送审 1 张申报表：{ready.code} 完整" in html
    assert f"{lacking.code} 不完整：申报表还有 1 处需要补充，不能送审（政策依据：未填写）" in html
    ready.refresh_from_db()
    lacking.refresh_from_db()
    assert (ready.status, lacking.status) == (Status.SUBMITTED, Status.DRAFT)


@pytest.fixture
def every_kind(client, people, make_filing):
    client.force_login(people.owner)
    filings = {
        "project": make_filing(people.unit_a, name="二级的项目"),
        "program": make_program(people.unit_a, name="一级的项目", total_amount=Decimal("2345600")),
        "overall": make_overall(people.unit_a_child),
    }
    return client, filings


def test_the_list_shows_the_2nd_level_projects_by_default_with_a_tab_per_kind(every_kind):
    client, filings = every_kind
    response = client.get(URL)
    assert response.context["kind"].code == "project"
    assert [filing.pk for filing in response.context["page"].object_list] == [filings["project"].pk]
    html = response.content.decode()
    start = html.index('class="kind-tabs"')
    tabs = html[start : html.index("</nav>", start)]
    for code, label in (("project", "二级项目"), ("program", "一级项目"), ("overall", "部门整体")):
        assert f'href="?kind={code}"' in tabs and f">{label}</a>" in tabs
    assert 'aria-current="page">二级项目</a>' in tabs
    assert reverse("projects:filing_create", kwargs={"kind": "project"}) in html


@pytest.mark.parametrize("kind", ["project", "program", "overall"])
def test_each_tab_lists_the_filings_of_its_kind_and_offers_to_create_one(every_kind, kind):
    client, filings = every_kind
    response = client.get(URL, {"kind": kind})
    assert response.context["kind"].code == kind
    assert [filing.pk for filing in response.context["page"].object_list] == [filings[kind].pk]
    assert reverse("projects:filing_create", kwargs={"kind": kind}) in response.content.decode()


def test_the_program_tab_shows_its_total_amount(every_kind):
    client, _ = every_kind
    html = client.get(URL, {"kind": "program"}).content.decode()
    assert "一级的项目" in html and "234.56" in html and "资金总额（万元）" in html


def test_the_overall_tab_names_each_filing_by_its_unit(every_kind, people):
    client, filings = every_kind
    html = client.get(URL, {"kind": "overall"}).content.decode()
    link = f'<a href="{reverse("projects:filing_detail", args=[filings["overall"].pk])}">{people.unit_a_child.name}</a>'
    assert link in html and "部门（单位）" in html
    assert "150.00" in html  # 合计 of its two tasks, in 万元


def test_an_unknown_kind_lists_the_2nd_level_projects(every_kind):
    client, filings = every_kind
    response = client.get(URL, {"kind": "nonsense"})
    assert response.context["kind"].code == "project"
    assert [filing.pk for filing in response.context["page"].object_list] == [filings["project"].pk]


def test_every_cell_of_a_row_escapes_what_the_filer_wrote(client, people, make_filing):
    client.force_login(people.owner)
    written = '<img src=x onerror="alert(1)">'
    filing = make_filing(people.unit_a, name=written, code=f"C{written}"[:40], project_type=written)
    html = client.get(URL + "?kind=project").content.decode()
    assert "<img" not in html
    shown = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert f'<td class="code">C{shown}</td>' in html
    assert f'<td><a href="{reverse("projects:filing_detail", args=[filing.pk])}">{shown}</a></td>' in html
    assert f"<td>{shown}</td>" in html  # 项目类型
