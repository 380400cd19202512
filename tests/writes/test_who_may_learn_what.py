"""A 填报人 learns nothing of another unit's filings from an import: a code of another unit is answered
for as a code that does not exist for them. Storing a new filing under a taken code is refused as the
filing page refuses it, without saying whose it is or in which state."""

from __future__ import annotations

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Filing, Status
from projects.resources import IndicatorResource, ProjectResource
from projects.services.excel import filings_to_workbook
from tests.helpers.workbooks import edit_workbook, value_cell

pytestmark = pytest.mark.django_db

UNKNOWN = "440306259999900000009"
SECRETS = ("福田", "审核通过", "其他单位", "已送审")


@pytest.fixture
def theirs(people, make_filing):
    """An approved filing of unit B, which the owner (a 填报人 of unit A) may not see."""
    return make_filing(people.unit_b, status=Status.APPROVED, name="别人的项目")


@pytest.fixture
def owner(people):
    owner = people.owner
    owner.is_staff = True
    owner.save()
    owner.user_permissions.add(*Permission.objects.filter(codename__in=["import_filings", "view_projectfiling"]))
    return owner


def _as_own(theirs: Filing, people, code: str) -> bytes:
    """The other unit's workbook, filled in as the owner's own unit's, under ``code``."""

    def edit(book):
        sheet = book[theirs.code]
        value_cell(sheet, "项目编码").value = code
        value_cell(sheet, "申请单位").value = people.unit_a.name
        value_cell(sheet, "一级预算单位").value = people.unit_a.name

    return edit_workbook(filings_to_workbook(filings=Filing.objects.filter(pk=theirs.pk)), edit)


def test_the_workbook_upload_answers_for_another_units_code_as_for_an_unknown_one(client, people, owner, theirs):
    client.force_login(owner)

    def upload(code):
        workbook = SimpleUploadedFile("宝安.xlsx", _as_own(theirs, people, code))
        return client.post(reverse("projects:workbook_upload"), {"workbook": workbook})

    unknown, taken = upload(UNKNOWN), upload(theirs.code)

    assert unknown.status_code == taken.status_code == 200
    # A new filing's preview lists its contents: the same for both but for the code each was given.
    shown = [
        [(c.created, [f for f in c.fields if f.label != "项目编码"], c.rows) for c in page.context["preview"].changes]
        for page in (unknown, taken)
    ]
    assert shown[0] == shown[1] and [created for created, _, _ in shown[0]] == [True]
    assert not any(secret in taken.content.decode() for secret in SECRETS)

    confirmed = client.post(reverse("projects:workbook_confirm"), {"token": taken.context["token"]})

    problems = "\n".join(confirmed.context["problems"])
    assert f"已有项目编码为 {theirs.code} 的项目" in problems
    assert not any(secret in problems for secret in SECRETS)
    stored = Filing.objects.get(pk=theirs.pk)
    assert (stored.department, stored.name, stored.version) == (people.unit_b, "别人的项目", theirs.version)


def _row(theirs: Filing, people, code: str) -> tablib.Dataset:
    exported = ProjectResource().export(queryset=Filing.objects.filter(pk=theirs.pk))
    own = {"项目编码": code, "申请单位": people.unit_a.name, "一级预算单位": people.unit_a.name}
    return tablib.Dataset(
        [own.get(h, cell) for h, cell in zip(exported.headers, exported[0], strict=True)], headers=exported.headers
    )


def test_the_projects_list_import_answers_for_another_units_code_as_for_an_unknown_one(people, owner, theirs):
    unknown = ProjectResource().import_data(_row(theirs, people, UNKNOWN), dry_run=True, user=owner)
    taken = ProjectResource().import_data(_row(theirs, people, theirs.code), dry_run=True, user=owner)

    for preview in (unknown, taken):
        assert not preview.has_errors() and not preview.has_validation_errors()
        assert preview.totals["new"] == 1

    stored = ProjectResource().import_data(_row(theirs, people, theirs.code), dry_run=False, user=owner)

    (message,) = stored.invalid_rows[0].error_dict["项目编码"]
    assert message == f"预算年度 {theirs.fiscal_year} 已有项目编码为 {theirs.code} 的项目，请核对项目编码"
    assert Filing.objects.get(pk=theirs.pk).department == people.unit_b


def test_the_indicators_list_import_answers_for_another_units_code_as_for_an_unknown_one(people, owner, theirs):
    exported = IndicatorResource().export(queryset=Indicator.objects.filter(filing=theirs)[:1])

    def errors(code):
        dataset = tablib.Dataset(
            [code if h == "项目编码" else cell for h, cell in zip(exported.headers, exported[0], strict=True)],
            headers=exported.headers,
        )
        result = IndicatorResource().import_data(dataset, dry_run=True, user=owner)
        return [str(error.error) for row in result.error_rows for error in row.errors]

    assert errors(theirs.code) == [f"没有 {theirs.fiscal_year} 年度项目编码为 {theirs.code} 的项目"]
    assert errors(UNKNOWN) == [f"没有 {theirs.fiscal_year} 年度项目编码为 {UNKNOWN} 的项目"]
