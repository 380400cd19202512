"""The redesign's migrations carry a database of 二级 projects over to filings with nothing lost.

``tests/golden/before_filing_kinds.json.gz`` is a database as the application stored it before the
redesign (``manage.py dumpdata`` of the 100 imported samples, three of them then edited, one
returned, one approved, and the check results). The test builds that database at the migrations of
the time, migrates it forward and compares every project, header value, row, transition, check
result and history record with the dump.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.db import models
from django.db.migrations.loader import MigrationLoader

from checks.models import FilingCheck
from indicators.models import Indicator
from projects.history import filing_timeline
from projects.models import Filing, ProjectHeader, Transition

DUMP = Path(__file__).resolve().parents[1] / "golden" / "before_filing_kinds.json.gz"
BEFORE = [
    ("projects", "0005_role_groups"),
    ("indicators", "0005_indicator_history"),
    ("checks", "0001_filing_checks_and_rule_settings"),
]
# Migrated forward to the latest migrations, so that the models of today read the result.
AFTER = [
    node
    for node in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    if node[0] in ("projects", "indicators", "checks")
]
# In dependency order; the template and its categories come from the migrations themselves.
LOADED = [
    "auth.user",
    "projects.department",
    "projects.assignment",
    "projects.project",
    "projects.transition",
    "projects.historicalproject",
    "indicators.indicator",
    "indicators.historicalindicator",
    "checks.filingcheck",
]
RENAMED = {"applicant": "department", "project": "filing"}


def _records() -> dict[str, list[dict[str, Any]]]:
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in json.loads(gzip.decompress(DUMP.read_bytes())):
        by_model[record["model"]].append(record)
    return by_model


def _load(apps, records: dict[str, list[dict[str, Any]]]) -> None:
    template = apps.get_model("indicators", "FormTemplate").objects.get()
    assert [r["fields"]["code"] for r in records["indicators.formtemplate"]] == [template.code]
    for label in LOADED:
        model = apps.get_model(label)
        rows = []
        for record in records[label]:
            values = {
                model._meta.get_field(name).attname: value
                for name, value in record["fields"].items()
                if not model._meta.get_field(name).many_to_many
            }
            rows.append(model(pk=record["pk"], **values))
        model.objects.bulk_create(rows)
        # Saving stamps auto_now(_add) fields with the present time; the dump's own times go back in.
        stamped = [
            f.name
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for record in records[label] if stamped else []:
            model.objects.filter(pk=record["pk"]).update(**{name: record["fields"][name] for name in stamped})


def _same(model: type[models.Model], name: str, stored: Any, dumped: Any) -> bool:
    field = model._meta.get_field(name)
    return field.to_python(stored) == field.to_python(dumped)


def _compare(obj: models.Model, fields: dict[str, Any], *, skip: tuple[str, ...] = ()) -> list[str]:
    differences = []
    for name, dumped in fields.items():
        name = RENAMED.get(name, name)
        if name in skip:
            continue
        target: Any = obj
        if not _has_field(type(obj), name):
            target = obj.project_header  # type: ignore[attr-defined]
        field = type(target)._meta.get_field(name)
        stored = getattr(target, field.attname)
        if not _same(type(target), name, stored, dumped):
            differences.append(f"{obj!r} {name}: {stored!r} != {dumped!r}")
    return differences


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_of_the_samples_migrates_with_nothing_lost(migrator):
    records = _records()
    _load(migrator.apply_initial_migration(BEFORE).apps, records)
    migrator.apply_tested_migration(AFTER)

    projects = records["projects.project"]
    assert len(projects) == 100
    filings = {f.pk: f for f in Filing.objects.select_related("project_header")}
    assert sorted(filings) == sorted(r["pk"] for r in projects)
    assert {f.kind for f in filings.values()} == {"project"}
    differences = []
    for record in projects:
        differences += _compare(filings[record["pk"]], record["fields"])

    rows = {row.pk: row for row in Indicator.objects.all()}
    assert sorted(rows) == sorted(r["pk"] for r in records["indicators.indicator"])
    for record in records["indicators.indicator"]:
        differences += _compare(rows[record["pk"]], record["fields"])

    transitions = {t.pk: t for t in Transition.objects.all()}
    assert len(transitions) == len(records["projects.transition"]) == 4
    for record in records["projects.transition"]:
        differences += _compare(transitions[record["pk"]], record["fields"], skip=("snapshot",))
        snapshot = transitions[record["pk"]].snapshot
        assert "applicant" not in snapshot["fields"]
        assert snapshot["fields"]["department"] == record["fields"]["snapshot"]["fields"]["applicant"]

    checks = {c.filing_id: c for c in FilingCheck.objects.all()}
    assert len(checks) == 100
    for record in records["checks.filingcheck"]:
        differences += _compare(checks[record["pk"]], record["fields"])
    assert differences == []

    _assert_history_kept(records)


def _assert_history_kept(records: dict[str, list[dict[str, Any]]]) -> None:
    history = {h.history_id: h for h in Filing.history.all()}
    header_history = defaultdict(list)
    for h in ProjectHeader.history.order_by("history_id"):
        header_history[h.filing_id].append(h)
    dumped = records["projects.historicalproject"]
    assert sorted(history) == sorted(r["pk"] for r in dumped)
    for record in dumped:
        fields = record["fields"]
        stored = history[record["pk"]]
        assert (stored.id, stored.name, stored.status, stored.history_type) == (
            fields["id"], fields["name"], fields["status"], fields["history_type"]
        )  # fmt: skip
        matching = [h for h in header_history[fields["id"]] if h.history_date == stored.history_date]
        assert [h.annual_goal for h in matching] == [fields["annual_goal"]], record["pk"]
    rows = {h.history_id: h for h in Indicator.history.all()}
    assert sorted(rows) == sorted(r["pk"] for r in records["indicators.historicalindicator"])
    assert all(rows[r["pk"]].filing_id == r["fields"]["project"] for r in records["indicators.historicalindicator"])

    # The draft that lost a row, and the filing returned after its edit: their timelines read as before.
    edited = Filing.objects.get(project_header__annual_goal__endswith="（已修订）", status="draft")
    save = next(event for event in filing_timeline(edited) if event.kind == "save" and event.fields)
    assert [(change.label, change.after.endswith("（已修订）")) for change in save.fields] == [("年度目标", True)]
    assert sorted(row.kind for row in save.rows) == ["修改", "删除"]
    returned = Filing.objects.get(status="returned")
    assert [event.title for event in filing_timeline(returned) if event.kind == "transition"] == [
        "已送审 → 已退回",
        "草稿 → 已送审",
    ]
