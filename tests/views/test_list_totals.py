"""The filing list's 合计 row: the number of filings and the sum of each amount column, for every page
of the list as filtered, in the unit the user chose, from one query."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import selectors
from projects.kinds import header_relation, kind_named
from projects.models import Filing, Status
from tests.helpers.filings import make_overall, make_program

pytestmark = pytest.mark.django_db

URL = reverse("projects:filing_list")


def _wan(amount: Decimal) -> str:
    """An amount in 万元 as the 合计 row shows it: two decimals, rounded half up, thousands separators."""
    return f"{(amount / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def _totals_row(html: str) -> str:
    start = html.index('<tr class="totals">')
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def listing(client, people, make_filing):
    """53 filings of unit A and its child (two pages), of two years and two statuses, with odd amounts."""
    client.force_login(people.owner)
    for number in range(53):
        make_filing(
            people.unit_a_child if number % 4 == 0 else people.unit_a,
            name=f"项目{number:02d}",
            year=2023 if number % 3 == 0 else 2024,
            status=Status.SUBMITTED if number % 5 == 0 else Status.DRAFT,
            current_amount=Decimal("12345.67") * (number + 1),
            total_amount=Decimal("100000.01") * (number + 1),
            rows_per_category=0,
            with_optional_rows=False,
        )
    return client


def _direct_sums(user, **filters) -> tuple[int, Decimal, Decimal]:
    filings = selectors.filings_for(user, kind="project").filter(**filters)
    sums = filings.aggregate(current=Sum("project_header__current_amount"), total=Sum("project_header__total_amount"))
    return filings.count(), sums["current"], sums["total"]


@pytest.mark.parametrize(
    "query, filters",
    [
        ({}, {}),
        ({"year": 2024}, {"fiscal_year": 2024}),
        ({"status": "submitted"}, {"status": Status.SUBMITTED}),
        ({"year": 2023, "status": "draft"}, {"fiscal_year": 2023, "status": Status.DRAFT}),
        ({"q": "项目1"}, {"name__contains": "项目1"}),
    ],
)
def test_the_totals_cover_every_page_of_the_filtered_list(listing, people, query, filters):
    response = listing.get(URL, query)
    count, current, total = _direct_sums(people.owner, **filters)
    totals = response.context["totals"]
    assert (totals.count, totals.amounts) == (count, [current, total])
    assert response.context["page"].paginator.count == count


def test_the_totals_follow_the_department_filter(listing, people):
    response = listing.get(URL, {"department": people.unit_a_child.pk})
    count, current, total = _direct_sums(people.owner, department=people.unit_a_child)
    assert count == 14
    assert (response.context["totals"].count, response.context["totals"].amounts) == (count, [current, total])


def test_the_totals_row_shows_the_count_and_the_sums_in_wan_yuan_by_default(listing, people):
    html = listing.get(URL, {"year": 2024}).content.decode()
    count, current, total = _direct_sums(people.owner, fiscal_year=2024)
    row = _totals_row(html)
    assert f"合计（共 {count} 张）" in row
    # 万元 with two decimals and thousands separators, one cell under each amount column, the exact
    # amount in 元 in its title.
    assert (
        f'<td class="amount" title="{current:,.2f} 元">{_wan(current)}</td>'
        f'<td class="amount" title="{total:,.2f} 元">{_wan(total)}</td>'
    ) in row


def test_the_totals_row_shows_yuan_when_the_user_chose_yuan(listing, people):
    html = listing.get(URL, {"unit": "元"}).content.decode()
    _, current, total = _direct_sums(people.owner)
    row = _totals_row(html)
    assert f">{current:,.2f}</td>" in row and f">{total:,.2f}</td>" in row
    assert "本年度项目金额（元）" in html


def test_the_totals_leave_out_the_filings_of_units_the_user_cannot_see(client, people, make_filing):
    make_filing(people.unit_a, name="本单位", current_amount=Decimal("10000"))
    make_filing(people.unit_b, name="别的单位", current_amount=Decimal("990000"))
    client.force_login(people.owner)
    totals = client.get(URL).context["totals"]
    assert totals.count == 1 and totals.amounts[0] == Decimal("10000")


def test_a_filing_without_an_amount_counts_but_adds_nothing(client, people, make_filing):
    make_filing(people.unit_a, name="有金额", current_amount=Decimal("20000"))
    make_filing(people.unit_a, name="无金额", current_amount=None)
    client.force_login(people.owner)
    totals = client.get(URL).context["totals"]
    assert totals.count == 2 and totals.amounts[0] == Decimal("20000")


def test_the_totals_row_sits_under_the_amount_columns(client, people, make_filing):
    make_filing(people.unit_a)
    client.force_login(people.owner)
    html = client.get(URL).content.decode()
    # Check box, 项目编码, 名称, 单位, 年度, 项目类型 before the amounts; 状态 and 检查 after them.
    row = _totals_row(html)
    assert 'colspan="6">合计（共 1 张）</th>' in row and '<td colspan="2"></td>' in row


@pytest.mark.parametrize("kind", ["program", "overall"])
def test_each_kind_totals_its_own_amount_column(client, people, kind):
    if kind == "program":
        make_program(people.unit_a, name="一级甲", total_amount=Decimal("1234500"))
        make_program(people.unit_a, name="一级乙", total_amount=Decimal("100000"))
        expected = Decimal("1334500")
    else:
        make_overall(people.unit_a, tasks=[("任务", Decimal("300000"))])
        make_overall(people.unit_a_child, tasks=[("任务", Decimal("250000.50"))])
        expected = Decimal("550000.50")
    client.force_login(people.owner)
    response = client.get(URL, {"kind": kind})
    assert (response.context["totals"].count, response.context["totals"].amounts) == (2, [expected])
    assert f">{_wan(expected)}</td>" in _totals_row(response.content.decode())


def test_wan_yuan_totals_round_half_up_to_two_decimals(client, people, make_filing):
    make_filing(people.unit_a, name="甲", current_amount=Decimal("123456450.00"))  # 12,345.645 万元
    make_filing(people.unit_a, name="乙", current_amount=Decimal("0.01"))
    client.force_login(people.owner)
    row = _totals_row(client.get(URL, {"unit": "万元"}).content.decode())
    assert '<td class="amount" title="123,456,450.01 元">12,345.65</td>' in row


def test_an_empty_list_has_no_totals_row(client, people):
    client.force_login(people.owner)
    html = client.get(URL, {"q": "没有这个项目"}).content.decode()
    assert 'class="totals"' not in html and "没有符合条件的二级项目申报表" in html


def _queries(client, query=None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, query or {}).status_code == 200
    return [entry["sql"] for entry in captured.captured_queries]


def test_the_totals_come_from_one_aggregate_query_however_many_filings(client, people, make_filing):
    client.force_login(people.owner)
    for number in range(5):
        make_filing(people.unit_a, name=f"少{number}", rows_per_category=0, with_optional_rows=False)
    few = _queries(client, {"sort": "-project_header__current_amount"})
    for number in range(45):
        make_filing(people.unit_a, name=f"多{number}", rows_per_category=0, with_optional_rows=False)
    many = _queries(client, {"sort": "-project_header__current_amount"})
    assert len(many) == len(few)
    sums = [sql for sql in many if "SUM(" in sql.upper()]
    assert len(sums) == 1 and "COUNT(" in sums[0].upper()


@pytest.mark.parametrize("kind", ["project", "program", "overall"])
def test_an_administrators_unfiltered_totals_are_read_from_the_headers_alone(admin_client, samples, kind):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(URL, {"kind": kind, "sort": "name"})  # a sort filters nothing
    totals = response.context["totals"]
    (aggregate,) = [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"]]
    assert "projects_filing" not in aggregate.split("FROM", 1)[1]
    kind_def = kind_named(kind)
    paths = [f"{header_relation(kind)}__{name}" for name in kind_def.list_amounts]
    filings = Filing.objects.filter(kind=kind)
    direct = filings.aggregate(**{path: Sum(path) for path in paths})
    assert totals.count == filings.count() > 0
    assert totals.amounts == [direct[path] or Decimal(0) for path in paths]
    # Filtered, the totals join the filings again, and still agree with them.
    year = filings.values_list("fiscal_year", flat=True).first()
    filtered = admin_client.get(URL, {"kind": kind, "year": year}).context["totals"]
    assert filtered.count == filings.filter(fiscal_year=year).count()
