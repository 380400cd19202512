"""The filing list sorts by a column when its heading is clicked (``?sort=key``, ``?sort=-key`` the
other way round), keeps the sort in its other links and ignores keys it does not know."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checks.services import filing_check_refresh
from projects.models import Department, Status
from tests.helpers.filings import make_overall, make_program

pytestmark = pytest.mark.django_db

URL = reverse("projects:filing_list")


@pytest.fixture
def units(people):
    """Two units under unit A, named so that any collation sorts them alike (unlike Chinese names)."""
    return (
        Department.objects.create(name="A单位", parent=people.unit_a),
        Department.objects.create(name="B单位", parent=people.unit_a),
    )


@pytest.fixture
def listing(client, people, units, make_filing):
    client.force_login(people.owner)
    first, second = units
    make_filing(
        first, name="C项目", year=2024, project_type="15 其他经费", current_amount=Decimal("300000"),
        total_amount=Decimal("500000"), status=Status.APPROVED,
    )  # fmt: skip
    make_filing(
        second, name="A项目", year=2023, project_type="02 政府投资项目",
        current_amount=Decimal("1000000"), total_amount=Decimal("100000"), status=Status.SUBMITTED,
    )  # fmt: skip
    make_filing(
        first, name="B项目", year=2024, project_type="01 基本建设", current_amount=Decimal("50000"),
        total_amount=Decimal("2000000"), status=Status.DRAFT,
    )  # fmt: skip
    return client


def _names(response) -> list[str]:
    return [filing.name for filing in response.context["page"].object_list]


# The list's own order: the latest year first, then by unit and code (C was created before B).
DEFAULT = ["C项目", "B项目", "A项目"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("project_header__current_amount", ["B项目", "C项目", "A项目"]),
        ("-project_header__current_amount", ["A项目", "C项目", "B项目"]),
        ("project_header__total_amount", ["A项目", "C项目", "B项目"]),
        ("-project_header__total_amount", ["B项目", "C项目", "A项目"]),
        ("fiscal_year", ["A项目", "C项目", "B项目"]),  # ties in the list's order
        ("-fiscal_year", ["C项目", "B项目", "A项目"]),
        ("project_header__project_type", ["B项目", "A项目", "C项目"]),
        ("-project_header__project_type", ["C项目", "A项目", "B项目"]),
        ("department__name", ["C项目", "B项目", "A项目"]),
        ("-department__name", ["A项目", "C项目", "B项目"]),
        ("name", ["A项目", "B项目", "C项目"]),
        ("-name", ["C项目", "B项目", "A项目"]),
        # Statuses in the order of the workflow: 草稿, 已送审, 审核通过.
        ("status", ["B项目", "A项目", "C项目"]),
        ("-status", ["C项目", "A项目", "B项目"]),
    ],
)
def test_the_list_sorts_by_the_chosen_column_either_way(listing, sort, expected):
    assert _names(listing.get(URL, {"sort": sort})) == expected


def test_the_list_sorts_by_code(listing):
    codes = [filing.code for filing in listing.get(URL, {"sort": "-code"}).context["page"].object_list]
    assert codes == sorted(codes, reverse=True)
    assert [filing.code for filing in listing.get(URL, {"sort": "code"}).context["page"].object_list] == sorted(codes)


def test_the_list_sorts_by_the_checks_most_errors_last_or_first(client, people, make_filing):
    clean = make_filing(people.unit_a, name="无问题")
    weak = make_filing(people.unit_a, name="有错误")
    weak.indicators.filter(name="成本指标1").update(value="≤150万元")
    filing_check_refresh(filings=[clean, weak])
    make_filing(people.unit_a, name="未检查")
    client.force_login(people.owner)
    assert _names(client.get(URL, {"sort": "filing_check__errors"})) == ["无问题", "有错误", "未检查"]
    # Never-checked filings go last either way.
    assert _names(client.get(URL, {"sort": "-filing_check__errors"})) == ["有错误", "无问题", "未检查"]


def test_filings_without_the_amount_go_last_either_way(client, people, make_filing):
    make_filing(people.unit_a, name="空", current_amount=None)
    make_filing(people.unit_a, name="小", current_amount=Decimal("1"))
    make_filing(people.unit_a, name="大", current_amount=Decimal("2"))
    client.force_login(people.owner)
    assert _names(client.get(URL, {"sort": "project_header__current_amount"})) == ["小", "大", "空"]
    assert _names(client.get(URL, {"sort": "-project_header__current_amount"})) == ["大", "小", "空"]


@pytest.mark.parametrize(
    "sort", ["nonsense", "-nonsense", "department__parent__name", "project_header__annual_goal", "--name", "-", "pk"]
)
def test_an_unknown_sort_key_is_ignored_and_the_filters_still_apply(listing, sort):
    response = listing.get(URL, {"sort": sort})
    assert _names(response) == DEFAULT
    assert not response.context["filters"].errors
    assert _names(listing.get(URL, {"sort": sort, "year": 2024})) == ["C项目", "B项目"]
    assert 'aria-sort="' not in response.content.decode()


def test_sorting_combines_with_the_filters(listing):
    response = listing.get(URL, {"year": 2024, "sort": "-project_header__total_amount"})
    assert _names(response) == ["B项目", "C项目"]


def _heading(html: str, label: str) -> str:
    end = html.index(f">{label}")
    return html[html.rindex("<th", 0, end) : html.index("</th>", end)]


def test_each_heading_is_a_link_that_sorts_by_its_column(listing):
    html = listing.get(URL, {"year": 2024}).content.decode()
    assert '<a href="?year=2024&amp;sort=project_header__current_amount">本年度项目金额（万元）</a>' in html
    for label, key in (("项目编码", "code"), ("名称", "name"), ("年度", "fiscal_year"), ("状态", "status")):
        assert f'<a href="?year=2024&amp;sort={key}">{label}</a>' in _heading(html, label)
    assert "aria-sort" not in html


def test_the_sorted_heading_says_so_and_links_to_the_other_direction(listing):
    html = listing.get(URL, {"sort": "name", "page": 1}).content.decode()
    heading = _heading(html, "名称")
    assert 'aria-sort="ascending"' in heading and 'href="?sort=-name"' in heading
    html = listing.get(URL, {"sort": "-name"}).content.decode()
    heading = _heading(html, "名称")
    assert 'aria-sort="descending"' in heading and 'href="?sort=name"' in heading
    # Only the sorted column says how it is sorted.
    assert html.count("aria-sort=") == 1


def test_the_sort_is_kept_by_the_pages_the_filters_and_the_unit_toggle(client, people, make_filing):
    client.force_login(people.owner)
    for number in range(51):
        make_filing(people.unit_a, name=f"项目{number:02d}", rows_per_category=0, with_optional_rows=False)
    response = client.get(URL, {"sort": "-name", "year": 2024})
    html = response.content.decode()
    assert _names(response)[0] == "项目50"
    assert 'href="?sort=-name&amp;year=2024&page=2"' in html
    assert '<input type="hidden" name="sort" value="-name">' in html
    assert 'href="?sort=-name&amp;year=2024&unit=元"' in html
    second = client.get(URL, {"sort": "-name", "year": 2024, "page": 2})
    assert _names(second) == ["项目00"]


def test_the_sort_keys_are_those_of_the_kind(client, people):
    client.force_login(people.owner)
    make_program(people.unit_a, name="小的一级", total_amount=Decimal("100"))
    make_program(people.unit_a, name="大的一级", total_amount=Decimal("900"))
    program = {"kind": "program"}
    assert _names(client.get(URL, {**program, "sort": "-program_header__total_amount"})) == ["大的一级", "小的一级"]
    assert _names(client.get(URL, {**program, "sort": "program_header__total_amount"})) == ["小的一级", "大的一级"]
    # The 二级 form's amount is not a column of this tab: ignored.
    assert client.get(URL, {**program, "sort": "project_header__current_amount"}).context["filters"].chosen_sort == ""


def test_the_overall_tab_sorts_by_unit_and_by_its_total(client, people, units):
    client.force_login(people.owner)
    make_overall(units[0], tasks=[("任务", Decimal("100"))])
    make_overall(units[1], tasks=[("任务", Decimal("900"))])
    make_overall(people.unit_a, tasks=[("任务", Decimal("500"))], year=2023)
    overall = {"kind": "overall"}

    def names(response):
        return [filing.department.name for filing in response.context["page"].object_list]

    assert names(client.get(URL, overall)) == ["A单位", "B单位", people.unit_a.name]
    by_total = names(client.get(URL, {**overall, "sort": "-overall_header__total_amount"}))
    assert by_total == ["B单位", people.unit_a.name, "A单位"]
    assert names(client.get(URL, {**overall, "sort": "-department__name", "year": 2024})) == ["B单位", "A单位"]
    assert (
        '<a href="?kind=overall&amp;sort=department__name">部门（单位）</a>'
        in client.get(URL, overall).content.decode()
    )
