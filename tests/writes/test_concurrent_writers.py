"""Several people write the same filing at once, each having read the same version: on every write
path exactly one of them wins, the others are told so in Chinese and write nothing, and the history
holds each version once, in order.

The writers run in threads, each with its own database connection, in parallel on PostgreSQL and
one after another on SQLite (see ``racing.race``).
"""

from __future__ import annotations

import pytest
import tablib
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator
from projects.models import Filing
from projects.resources import IndicatorResource, ProjectResource
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from projects.services.imports import SourceFile
from projects.services.previews import text_import
from tests.helpers.filings import make_filing
from tests.helpers.page_forms import filing_post_data
from tests.helpers.people import make_people
from tests.helpers.workbooks import edit_workbook, value_cell
from tests.writes.forms import TEXT_CODE, admin_form_data, project_text
from tests.writes.racing import WRITERS, race, versions_in_history

NAMES = [f"第{number}人改的名称" for number in range(1, WRITERS + 1)]


@pytest.fixture
def people(committed):
    with transaction.atomic():  # one commit: each costs a disk flush on SQLite
        return make_people()


@pytest.fixture
def filing(people):
    return make_filing(people.unit_a)


@pytest.fixture
def superuser(committed):
    # Not pytest-django's admin_user, which is made inside the test's transaction, unseen by the writers.
    return User.objects.create_superuser("racing-admin", password=None)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_one_won(filing: Filing, won: list[bool], *, changed) -> Filing:
    """Exactly one writer won; the filing is at the next version with the winner's change; its history
    holds every version once, in order."""
    assert won.count(True) == 1, won
    stored = Filing.objects.select_related("project_header").get(pk=filing.pk)
    assert stored.version == filing.version + 1
    assert changed(stored) == won.index(True)
    versions = versions_in_history(stored)
    assert versions == sorted(set(versions)) and versions[-1] == stored.version
    return stored


def test_of_several_saves_of_the_filing_page_at_one_version_one_wins(people, filing):
    url = reverse("projects:filing_edit", args=[filing.pk])
    clients = [_client(people.owner) for _ in NAMES]
    page = filing_post_data(clients[0].get(url))  # as every writer opened it, at the same version

    outcomes = race(
        [
            lambda c=client, name=name: c.post(url, {**page, "name": name})
            for client, name in zip(clients, NAMES, strict=True)
        ]
    )

    statuses = [outcome.result.status_code for outcome in outcomes]
    assert sorted(statuses) == [302] + [409] * (WRITERS - 1)
    assert all(
        "保存失败：在您打开本页之后" in o.result.content.decode() for o in outcomes if o.result.status_code == 409
    )
    _assert_one_won(filing, [status == 302 for status in statuses], changed=lambda f: NAMES.index(f.name))


def test_of_several_workbook_imports_previewed_at_one_version_one_wins(people, filing):
    def renamed(name):
        return edit_workbook(
            filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk)),
            lambda book: setattr(value_cell(book[filing.code], "项目名称"), "value", name),
        )

    books = [renamed(name) for name in NAMES]
    # Every writer previewed the filing at the same version; the confirmation is stored against it.
    preview = workbook_import(data=books[0], file_name="宝安.xlsx", user=people.owner, dry_run=True)
    assert preview.versions == {filing.pk: filing.version}

    outcomes = race(
        [
            lambda book=book: workbook_import(
                data=book, file_name="宝安.xlsx", user=people.owner, versions=preview.versions
            )
            for book in books
        ]
    )

    refused = [o.error for o in outcomes if o.error is not None]
    assert all(isinstance(error, WorkbookImportError) for error in refused), refused
    assert all("以下申报表已被他人修改" in str(error) and filing.code in str(error) for error in refused)
    _assert_one_won(filing, [o.error is None for o in outcomes], changed=lambda f: NAMES.index(f.name))


def test_of_several_text_imports_previewed_at_one_version_one_wins(people):
    administrator = people.administrator
    text_import(sources=[SourceFile("宝安.txt", project_text(unit=people.unit_a))], user=administrator, year=2031)
    filing = Filing.objects.get(code=TEXT_CODE)
    sources = [SourceFile("宝安.txt", project_text(unit=people.unit_a, name=name)) for name in NAMES]
    preview = text_import(sources=sources[:1], user=administrator, year=2031, dry_run=True)
    assert preview.versions == {filing.pk: filing.version}

    outcomes = race(
        [
            lambda source=source: text_import(
                sources=[source], user=administrator, year=2031, versions=preview.versions
            )
            for source in sources
        ]
    )

    refused = [str(o.error) for o in outcomes if o.error is not None]
    assert len(refused) == WRITERS - 1 and all("以下申报表已被他人修改" in message for message in refused), refused
    _assert_one_won(filing, [o.error is None for o in outcomes], changed=lambda f: NAMES.index(f.name))


def test_of_several_saves_of_the_admin_filing_page_at_one_version_one_wins(filing, superuser):
    url = reverse("admin:projects_projectfiling_change", args=[filing.pk])
    clients = [_client(superuser) for _ in NAMES]
    page = admin_form_data(clients[0], url)

    outcomes = race(
        [
            lambda c=client, name=name: c.post(url, {**page, "name": name})
            for client, name in zip(clients, NAMES, strict=True)
        ]
    )

    statuses = [outcome.result.status_code for outcome in outcomes]
    assert sorted(statuses) == [200] * (WRITERS - 1) + [302]
    refusals = [o.result.content.decode() for o in outcomes if o.result.status_code == 200]
    assert all("在您打开本页之后，该申报表已被他人保存" in page for page in refusals)
    _assert_one_won(filing, [status == 302 for status in statuses], changed=lambda f: NAMES.index(f.name))


def test_of_several_saves_of_an_admin_indicator_page_at_one_version_one_wins(filing, superuser):
    row = filing.indicators.get(category__name="数量")
    url = reverse("admin:indicators_indicator_change", args=[row.pk])
    values = [f"≥{number}个" for number in range(1, WRITERS + 1)]
    clients = [_client(superuser) for _ in values]
    page = admin_form_data(clients[0], url)

    outcomes = race(
        [
            lambda c=client, value=value: c.post(url, {**page, "value": value})
            for client, value in zip(clients, values, strict=True)
        ]
    )

    statuses = [outcome.result.status_code for outcome in outcomes]
    assert sorted(statuses) == [200] * (WRITERS - 1) + [302]
    won = [status == 302 for status in statuses]
    _assert_one_won(filing, won, changed=lambda f: values.index(Indicator.objects.get(pk=row.pk).value))
    assert Indicator.objects.get(pk=row.pk).number == won.index(True) + 1


def _refusals(result) -> list[str]:
    return [message for row in result.invalid_rows for messages in row.error_dict.values() for message in messages]


def test_of_several_projects_list_imports_previewed_at_one_version_one_wins(people, filing):
    exported = ProjectResource().export(queryset=Filing.objects.filter(pk=filing.pk))
    lists = []
    for name in NAMES:
        dataset = tablib.Dataset(headers=exported.headers)
        dataset.append(
            [name if header == "项目名称" else cell for header, cell in zip(exported.headers, exported[0], strict=True)]
        )
        lists.append(dataset)
    preview = ProjectResource().import_data(lists[0], dry_run=True, user=people.owner)
    assert preview.read_versions == {filing.pk: filing.version}

    outcomes = race(
        [
            lambda dataset=dataset: _confirm(ProjectResource(), dataset, people.owner, preview.read_versions)
            for dataset in lists
        ]
    )

    won = [not o.result.has_validation_errors() and not o.result.has_errors() for o in outcomes]
    refusals = [message for o in outcomes for message in _refusals(o.result)]
    assert len(refusals) == WRITERS - 1 and all("在预览之后已由王填报" in m for m in refusals), refusals
    _assert_one_won(filing, won, changed=lambda f: NAMES.index(f.name))


def test_of_several_indicators_list_imports_previewed_at_one_version_one_wins(people, filing):
    rows = Indicator.objects.filter(filing=filing, category__name="数量")
    exported = IndicatorResource().export(queryset=rows)
    values = [f"≥{number}个" for number in range(1, WRITERS + 1)]
    lists = []
    for value in values:
        dataset = tablib.Dataset(headers=exported.headers)
        dataset.append(
            [value if header == "指标值" else cell for header, cell in zip(exported.headers, exported[0], strict=True)]
        )
        lists.append(dataset)
    preview = IndicatorResource().import_data(lists[0], dry_run=True, user=people.owner)
    assert preview.read_versions == {filing.pk: filing.version}

    outcomes = race(
        [
            lambda dataset=dataset: _confirm(IndicatorResource(), dataset, people.owner, preview.read_versions)
            for dataset in lists
        ]
    )

    won = [not o.result.has_validation_errors() and not o.result.has_errors() for o in outcomes]
    refusals = [message for o in outcomes for message in _refusals(o.result)]
    assert len(refusals) == WRITERS - 1 and all("在预览之后已由王填报" in m for m in refusals), refusals
    _assert_one_won(filing, won, changed=lambda f: values.index(rows.get().value))


def _confirm(resource, dataset, user, versions):
    """A confirmation as the admin's list import makes it: all rows or, if one is refused, none."""
    return resource.import_data(
        dataset, dry_run=False, user=user, versions=versions, rollback_on_validation_errors=True
    )
