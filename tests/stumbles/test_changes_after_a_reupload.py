"""After a returned filing is uploaded again as a workbook, the review page, the
history and the upload's preview list what changed, not every row deleted and added again (the
import replaces the rows with new ids). Rows pair by content within their 二级指标; a row put in
another place is a move."""

from dataclasses import replace

import pytest
from django.urls import reverse

from projects.models import Filing
from projects.services import review
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import workbook_import
from projects.services.filing import filing_create
from tests.helpers.filings import header_of, make_filing, row_inputs
from tests.helpers.workbooks import edit_workbook, row_of

pytestmark = pytest.mark.django_db


def _described(rows) -> list[tuple]:
    return [(row.kind, row.category, row.row["name"], row.columns, row.places) for row in rows]


@pytest.fixture
def returned(people) -> Filing:
    """A filing its 填报人 created on the filing page (its rows have history), submitted and returned."""
    made = make_filing(people.unit_a, rows_per_category=2)
    header, rows = header_of(made), [replace(row, id=None) for row in row_inputs(made)]
    made.delete()
    filing = filing_create(user=people.owner, kind=made.form_kind, header=header, rows=rows, template=made.template)
    review.filing_submit(filing=filing, user=people.owner)
    review.filing_return(filing=filing, user=people.reviewer, reason="质量指标的解释请写具体")
    return filing


@pytest.fixture
def workbook(returned) -> bytes:
    """The returned filing downloaded, one 指标解释 rewritten and the two 质量 rows swapped."""

    def edit(book):
        sheet = book[returned.code]
        quality = row_of(sheet, "B", "*质量")
        first, second = ([sheet[f"{column}{row}"].value for column in "CDE"] for row in (quality, quality + 1))
        for column, one, other in zip("CDE", first, second, strict=True):
            sheet[f"{column}{quality}"], sheet[f"{column}{quality + 1}"] = other, one
        sheet[f"E{row_of(sheet, 'C', '数量指标2')}"] = "考察本年度增加的数量"

    return edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=returned.pk)), edit)


EXPECTED = [
    ("changed", "产出 / 数量", "数量指标2", ["指标解释"], (2, 2)),
    ("moved", "产出 / 质量", "质量指标2", ["顺序"], (2, 1)),
]


def test_the_review_page_lists_only_the_changed_explanation_and_the_move(client, people, returned, workbook):
    workbook_import(data=workbook, file_name="重新填写.xlsx", user=people.owner)
    review.filing_submit(filing=returned, user=people.owner)

    client.force_login(people.reviewer)
    response = client.get(reverse("projects:filing_review", args=[returned.pk]))

    assert _described(response.context["diff"].rows) == EXPECTED
    html = response.content.decode()
    changes = html[html.index('id="changes"') : html.index("</section>", html.index('id="changes"'))]
    assert "考察本年度增加的数量" in changes and "第 2 条 → 第 1 条" in changes
    assert '<span class="tag">删除</span>' not in changes and '<span class="tag">新增</span>' not in changes


def test_the_preview_of_the_upload_lists_the_same_changes(people, returned, workbook):
    preview = workbook_import(data=workbook, file_name="重新填写.xlsx", user=people.owner, dry_run=True)
    assert _described(preview.changes[0].rows) == EXPECTED


def test_the_history_shows_the_import_as_the_same_two_changes(client, people, returned, workbook):
    workbook_import(data=workbook, file_name="重新填写.xlsx", user=people.owner)

    client.force_login(people.owner)
    imported = client.get(reverse("projects:filing_detail", args=[returned.pk])).context["timeline"][0]

    assert [(row.kind, row.name, [(c.label, c.before, c.after) for c in row.changes]) for row in imported.rows] == [
        ("修改", "数量指标2", [("指标解释", "考察数量", "考察本年度增加的数量")]),
        ("移动", "质量指标2", [("顺序", "第 2 条", "第 1 条")]),
    ]
