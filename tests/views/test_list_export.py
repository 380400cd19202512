"""“导出本列表（Excel）”: the list as filtered and sorted, one row per filing, amounts as numbers in the
chosen unit, a 合计 row; only what the user may see, and no more than the cap."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from checks.services import filing_check_refresh
from projects.services import list_export
from projects.services.excel import WAN_FORMAT, YUAN_FORMAT
from tests.helpers.filings import make_overall, make_program

pytestmark = pytest.mark.django_db

URL = reverse("projects:filing_list_export")
LIST_URL = reverse("projects:filing_list")
PROJECT_HEADINGS = [
    "项目编码", "名称", "二级项目单位", "年度", "项目类型", "本年度项目金额（万元）", "项目总金额（万元）", "状态",
    "检查：错误", "检查：提示",
]  # fmt: skip


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def _rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def listing(client, people, make_filing):
    client.force_login(people.owner)
    filings = {
        "fee": make_filing(
            people.unit_a, name="公章补贴经费", year=2023, current_amount=Decimal("10698600.00"),
            total_amount=Decimal("32095800.00"),
        ),
        "it": make_filing(
            people.unit_a_child, name="信息化建设", year=2024, project_type="02 政府投资项目",
            current_amount=Decimal("1234567.89"), total_amount=Decimal("5000000.00"),
        ),
        "rent": make_filing(
            people.unit_a, name="分厅租赁", year=2024, current_amount=Decimal("250000.00"),
            total_amount=Decimal("750000.00"),
        ),
    }  # fmt: skip
    return client, filings


def test_the_export_has_a_row_per_filing_with_chinese_headings_and_a_totals_row(listing, people):
    client, filings = listing
    sheet = _sheet(client.get(URL, {"kind": "project", "unit": "万元"}))
    rows = _rows(sheet)
    assert rows[0] == PROJECT_HEADINGS
    assert len(rows) == 1 + 3 + 1
    # In the list's order: the latest year first, then by unit name and code.
    fee = filings["fee"]
    assert rows[-2] == [
        fee.code, "公章补贴经费", people.unit_a.name, 2023, "15 其他经费", pytest.approx(1069.86),
        pytest.approx(3209.58), "草稿", None, None,
    ]  # fmt: skip
    assert rows[-1][0] == "合计（共 3 张）"
    assert rows[-1][5] == pytest.approx(1069.86 + 123.456789 + 25)
    assert rows[-1][6] == pytest.approx(3209.58 + 500 + 75)
    assert rows[-1][1:5] == [None] * 4 and rows[-1][7:] == [None] * 3


def test_amounts_are_numbers_with_the_number_format_of_the_chosen_unit(listing):
    client, filings = listing
    wan = _sheet(client.get(URL, {"unit": "万元", "q": "信息化"}))
    assert wan["F2"].value == pytest.approx(123.456789) and wan["F2"].data_type == "n"
    assert wan["F2"].number_format == WAN_FORMAT == wan["F3"].number_format
    yuan = _sheet(client.get(URL, {"unit": "元", "q": "信息化"}))
    assert yuan["F1"].value == "本年度项目金额（元）"
    assert yuan["F2"].value == pytest.approx(1234567.89) and yuan["F2"].number_format == YUAN_FORMAT
    assert yuan["G3"].value == pytest.approx(5000000) and yuan["G3"].number_format == YUAN_FORMAT  # 合计


def test_the_unit_chosen_on_the_list_is_the_exports_unit(listing):
    client, _ = listing
    client.get(LIST_URL, {"unit": "元"})
    assert _sheet(client.get(URL))["F1"].value == "本年度项目金额（元）"


def test_the_export_follows_the_filters_and_the_sort(listing):
    client, filings = listing
    sheet = _sheet(client.get(URL, {"year": 2024, "sort": "-project_header__current_amount"}))
    assert [row[1] for row in _rows(sheet)[1:-1]] == ["信息化建设", "分厅租赁"]
    sheet = _sheet(client.get(URL, {"year": 2024, "sort": "project_header__current_amount"}))
    assert [row[1] for row in _rows(sheet)[1:-1]] == ["分厅租赁", "信息化建设"]
    assert _rows(sheet)[-1][0] == "合计（共 2 张）"


def test_the_export_holds_the_list_page_by_page_order_and_all_pages(client, people, make_filing):
    client.force_login(people.owner)
    for number in range(53):
        make_filing(people.unit_a, name=f"项目{number:02d}", rows_per_category=0, with_optional_rows=False)
    page_one = client.get(LIST_URL, {"sort": "-code"}).context["page"].object_list
    rows = _rows(_sheet(client.get(URL, {"sort": "-code", "page": 2})))
    assert len(rows) == 1 + 53 + 1
    assert [row[0] for row in rows[1:51]] == [filing.code for filing in page_one]


def test_codes_stay_text_and_text_that_looks_like_a_formula_is_never_one(client, people, make_filing):
    client.force_login(people.owner)
    make_filing(people.unit_a, name='=HYPERLINK("http://example.com","点击")', project_type="+15 其他经费")
    make_filing(people.unit_a, name="-1+1", project_type="@SUM(A1)")
    response = client.get(URL, {"sort": "code"})
    sheet = _sheet(response)
    for row in sheet.iter_rows(min_row=2, max_row=3):
        code, name, project_type = row[0], row[1], row[4]
        assert code.data_type == "s" and code.number_format == "@" and len(code.value) == 21
        assert name.data_type == "s" and name.quotePrefix  # shown and kept as text when edited
        assert project_type.data_type == "s" and project_type.quotePrefix
    assert sheet["B2"].value == '=HYPERLINK("http://example.com","点击")'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_ordinary_text_is_not_marked(listing):
    client, _ = listing
    sheet = _sheet(client.get(URL))
    assert sheet["B2"].data_type == "s" and not sheet["B2"].quotePrefix


def test_the_check_counts_are_numbers(client, people, make_filing):
    weak = make_filing(people.unit_a, name="有错误")
    weak.indicators.filter(name="成本指标1").update(value="≤150万元")
    filing_check_refresh(filings=[weak])
    client.force_login(people.owner)
    rows = _rows(_sheet(client.get(URL)))
    assert rows[1][8] == 1 and isinstance(rows[1][9], int)


@pytest.mark.parametrize(
    "kind, headings",
    [
        ("program", ["名称", "一级项目单位", "年度", "资金总额（万元）", "状态", "检查：错误", "检查：提示"]),
        ("overall", ["部门（单位）", "年度", "合计：总额（万元）", "状态", "检查：错误", "检查：提示"]),
    ],
)
def test_each_kind_exports_the_columns_its_tab_shows(client, people, kind, headings):
    client.force_login(people.owner)
    if kind == "program":
        make_program(people.unit_a, name="一级的项目", total_amount=Decimal("2345600"))
        row = ["一级的项目", people.unit_a.name, 2024, pytest.approx(234.56), "草稿", None, None]
        totals = ["合计（共 1 张）", None, None, pytest.approx(234.56), None, None, None]
    else:
        make_overall(people.unit_a_child)
        row = [people.unit_a_child.name, 2024, pytest.approx(150), "草稿", None, None]
        totals = ["合计（共 1 张）", None, pytest.approx(150), None, None, None]
    response = client.get(URL, {"kind": kind})
    assert _rows(_sheet(response)) == [headings, row, totals]
    assert "attachment" in response["Content-Disposition"]


def test_another_units_filings_are_never_exported(client, people, make_filing):
    mine = make_filing(people.unit_a, name="本单位的项目")
    theirs = make_filing(people.unit_b, name="别的单位的项目")
    client.force_login(people.owner)
    for query in ({}, {"department": people.unit_b.pk}, {"q": theirs.code}, {"kind": "project", "year": 2024}):
        codes = [row[0] for row in _rows(_sheet(client.get(URL, query)))[1:-1]]
        assert theirs.code not in codes
    assert [row[0] for row in _rows(_sheet(client.get(URL)))[1:-1]] == [mine.code]
    client.force_login(people.colleague)
    assert [row[0] for row in _rows(_sheet(client.get(URL)))[1:-1]] == [theirs.code]


def test_someone_without_a_unit_gets_an_empty_list(client, people, make_filing):
    make_filing(people.unit_a)
    client.force_login(people.outsider)
    rows = _rows(_sheet(client.get(URL)))
    assert rows[0] == PROJECT_HEADINGS and rows[1][0] == "合计（共 0 张）" and len(rows) == 2


def test_the_export_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_too_long_a_list_is_refused_with_a_message(client, people, make_filing, monkeypatch):
    monkeypatch.setattr(list_export, "MAX_EXPORT_ROWS", 2)
    for number in range(3):
        make_filing(people.unit_a, name=f"项目{number}", rows_per_category=0, with_optional_rows=False)
    client.force_login(people.owner)
    response = client.get(URL, {"year": 2024, "unit": "元"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?year=2024&unit=%E5%85%83"
    html = client.get(response["Location"]).content.decode()
    assert "本列表共 3 张申报表，超过一次导出的上限 2 张，未导出。请先按年度、单位、状态等条件筛选" in html
    # Narrowed down to the cap, it exports.
    assert len(_rows(_sheet(client.get(URL, {"q": "项目1"})))) == 3


def test_the_list_links_to_its_export_with_its_filters_sort_and_unit(listing):
    client, _ = listing
    html = client.get(LIST_URL, {"year": 2024, "sort": "-name", "page": 1, "unit": "元"}).content.decode()
    assert f'href="{URL}?year=2024&amp;sort=-name&amp;unit=%E5%85%83&amp;kind=project">导出本列表（Excel）</a>' in html


def test_an_empty_list_offers_no_export(client, people):
    client.force_login(people.owner)
    assert "导出本列表" not in client.get(LIST_URL, {"q": "没有这个项目"}).content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"sort": "-project_header__current_amount"}).status_code == 200
    return len(captured)


def test_the_export_runs_as_many_queries_for_50_filings_as_for_5(client, people, make_filing):
    client.force_login(people.owner)
    for number in range(5):
        make_filing(people.unit_a, name=f"少{number}", rows_per_category=0, with_optional_rows=False)
    few = _queries(client)
    for number in range(45):
        make_filing(people.unit_a_child, name=f"多{number}", rows_per_category=0, with_optional_rows=False)
    assert _queries(client) == few
