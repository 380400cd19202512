"""One unit's filings of one year, as an import and the review steps after it would have stored them:
the filing and its header, rows and tasks with a history record each (``+``, by the unit's filer),
its review steps with a snapshot, and its check result from the real rules."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from checks.counts import rule_count_rows
from checks.engine import run_rules
from checks.filing import Filing as PlainFiling
from checks.filing import Task
from checks.findings import Finding
from checks.models import FilingCheck, RuleCount, RuleSetting
from checks.sources import RULE_FIELDS
from indicators.models import Indicator
from projects.citygen.names import APPROVAL_COMMENTS, RETURN_REASONS, ordinal
from projects.citygen.plan import Account, Unit
from projects.citygen.shapes import Samples, Shape
from projects.citygen.tables import Tables
from projects.kinds import header_model, kind_named
from projects.models import AmountUnit, Filing, OverallTask, Status, Transition
from projects.services.snapshots import header_snapshot, row_snapshot, task_snapshot

SOURCE = "generate_city"
NAME_VARIANTS = ("", "", "", "（二期）", "（续建）", "（专项）", "（提升）")
# The rule fields ``checks.sources`` reads from a stored filing's header.
FINDING_FIELDS = tuple(Finding.__dataclass_fields__)
CENT, HUNDRED = Decimal("0.01"), Decimal(100)


@dataclass
class _Stored:
    """What a filing's snapshot and checks read: its values by header field name, rows and tasks."""

    shape: Shape
    values: dict[str, Any]
    rows: list[dict[str, Any]]
    tasks: list[dict[str, Any]]


class FilingBuilder:
    def __init__(self, *, samples: Samples, tables: Tables, rng: random.Random):
        self.samples, self.tables, self.rng = samples, tables, rng
        self.district_reviewer: Account | None = None  # the reviewer of the district being built
        self.settings: dict[str, dict[str, RuleSetting]] = {kind: {} for kind in samples.templates}
        for setting in RuleSetting.objects.select_related("template"):
            self.settings.setdefault(setting.template.kind, {})[setting.rule_id] = setting
        # Reaching a history model through its manager is slow (a manager class is built each time).
        models = [Filing, Indicator, OverallTask, *(header_model(kind) for kind in samples.templates)]
        self.history = {model: model.history.model for model in models}  # type: ignore[attr-defined]
        self.counts = {"project": 0, "program": 0, "overall": 0, "indicators": 0, "transitions": 0}

    # —— one unit and year ——

    def unit_year(self, unit: Unit, year: int, projects: int) -> None:
        programs = [self._program_plan(unit, year, number) for number in range(max(1, round(projects / 12)))]
        programs = programs if projects else []
        for serial in range(1, projects + 1):
            self._project(unit, year, serial, programs[serial % len(programs)])
        for program in programs:
            self._program(unit, year, program)
        self._overall(unit, year, programs)

    # —— the three kinds ——

    def _program_plan(self, unit: Unit, year: int, number: int) -> dict[str, Any]:
        """The unit's ``number``-th 一级 project: the sample ones in turn, named apart when they come round again."""
        shapes = self.samples.by_kind["program"]
        shape = shapes[number % len(shapes)]
        rounds = number // len(shapes)
        name = str(shape.form.value("name")) + (f"（{ordinal(rounds + 1)}）" if rounds else "")
        return {"id": self.tables[Filing].new_id(), "shape": shape, "name": name, "total": Decimal(0)}

    def _project(self, unit: Unit, year: int, serial: int, program: dict[str, Any]) -> None:
        shape = self.rng.choice(self.samples.by_kind["project"])
        factor = Decimal(self.rng.randint(40, 250)) / 100
        current = self._scaled(shape.amount("current_amount"), factor, shape.amount_unit)
        total = self._scaled(shape.amount("total_amount"), factor, shape.amount_unit)
        program["total"] += current or 0
        code = f"{unit.area_code}{year % 100:02d}{unit.seq:05d}{serial:08d}"
        name = (str(shape.form.value("name")) + self.rng.choice(NAME_VARIANTS))[:200]
        header = {
            "top_unit_id": unit.top.id,
            "program_id": program["id"],
            "duration_years": shape.form.values.get("duration_years"),
            "project_type": str(shape.form.value("project_type")),
            "is_new": shape.form.values.get("is_new"),
            "allocation": str(shape.form.value("allocation")),
            "total_amount": total,
            "current_amount": current,
            "policy_basis_label": shape.form.labels.get("policy_basis") or "政策依据",
            "policy_basis": self._policy_basis(shape, year),
            "calculation_basis": shape.text("calculation_basis", year),
            "annual_goal": shape.text("annual_goal", year),
            "long_term_goal": shape.text("long_term_goal", year),
        }
        shown = {"top_unit": unit.top.name, "program": program["name"]}
        self._filing("project", shape, unit, year, code=code, name=name, header=header, shown=shown)

    def _program(self, unit: Unit, year: int, program: dict[str, Any]) -> None:
        shape: Shape = program["shape"]
        filler = unit.filer.full_name if unit.filer else ""
        header = {
            "total_amount": program["total"],
            "fiscal_amount": program["total"],
            "other_amount": Decimal(0),
            "filler": filler,
            "phone": f"0755-2{self.rng.randrange(10**6, 10**7)}",
            "goal": shape.text("goal", year),
        }
        self._filing("program", shape, unit, year, name=program["name"], header=header, pk=program["id"])

    def _overall(self, unit: Unit, year: int, programs: list[dict[str, Any]]) -> None:
        shape = self.rng.choice(self.samples.by_kind["overall"])
        contents = [task.content for task in shape.form.tasks] or [""]
        basic = Decimal(self.rng.randint(50, 3000) * 10000)
        tasks: list[dict[str, Any]] = [
            {"name": "基本支出", "content": contents[0], "total_amount": basic, "fiscal_amount": basic}
        ]
        for number, program in enumerate(programs, start=1):
            amount = program["total"]
            content = contents[number % len(contents)]
            tasks.append({"name": program["name"], "content": content, "total_amount": amount, "fiscal_amount": amount})
        for position, task in enumerate(tasks, start=1):
            task.update(position=position, other_amount=Decimal(0))
        total = sum((task["total_amount"] for task in tasks), Decimal(0))
        header = {
            "competent_unit_id": unit.top.id,
            "goals": shape.text("goals", year),
            "total_amount": total,
            "fiscal_amount": total,
            "other_amount": Decimal(0),
            "amount_places": 2,
        }
        shown = {"competent_unit": unit.top.name}
        self._filing("overall", shape, unit, year, header=header, shown=shown, tasks=tasks)

    # —— what every kind stores ——

    def _filing(
        self,
        kind_code: str,
        shape: Shape,
        unit: Unit,
        year: int,
        *,
        header: dict[str, Any],
        code: str = "",
        name: str = "",
        shown: dict[str, Any] | None = None,
        tasks: list[dict[str, Any]] | None = None,
        pk: int | None = None,
    ) -> None:
        tables = self.tables
        filer = unit.filer.id if unit.filer else None
        created = self._created(year)
        filing = {
            "id": pk or tables[Filing].new_id(),
            "kind": kind_code,
            "template_id": self.samples.templates[kind_code],
            "department_id": unit.id,
            "fiscal_year": year,
            "code": code,
            "name": name,
            "amount_unit": shape.amount_unit,
            "status": Status.DRAFT,
            "source_file": SOURCE,
            "source_line": shape.form.line,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }
        added = {"history_date": created, "history_type": "+", "history_user_id": filer}
        tables[self.history[Filing]].add({**filing, **added})
        header_row = {"filing_id": filing["id"], **header}
        tables[header_model(kind_code)].add(header_row)
        tables[self.history[header_model(kind_code)]].add({**header_row, **added})
        rows = []
        for template_row in self.samples.rows(shape, year):
            row = {**template_row, "filing_id": filing["id"], "category_id": template_row["category"].id}
            tables[Indicator].add(row)
            tables[self.history[Indicator]].add({**row, **added})
            rows.append(row)
        for task in tasks or []:
            task["filing_id"] = filing["id"]
            tables[OverallTask].add(task)
            tables[self.history[OverallTask]].add({**task, **added})
        values = {
            **filing,
            **header,
            "department": unit.name,
            "fiscal_year": year,
            **(shown or {}),
        }
        stored = _Stored(shape, values, rows, tasks or [])
        self._review(filing, unit, stored)
        tables[Filing].add(filing)
        self._check(filing, unit, stored)
        self.counts[kind_code] += 1
        self.counts["indicators"] += len(rows)

    def _created(self, year: int) -> datetime:
        start = datetime(year - 1, 9, 1, 1, tzinfo=UTC)
        return start + timedelta(seconds=self.rng.randrange(90 * 86400))

    def _review(self, filing: dict[str, Any], unit: Unit, stored: _Stored) -> None:
        """The review steps the filing went through to its state, each with a snapshot of it."""
        rng = self.rng
        draw = rng.random()
        returned_before = rng.random() < 0.15
        if draw < 0.30:
            path = []
        elif draw < 0.50:
            path = ["return", "reopen", "submit"] if returned_before else []
            path = ["submit", *path]
        elif draw < 0.60:
            path = ["submit", "return"]
        else:
            path = ["submit", "return", "reopen", "submit", "approve"] if returned_before else ["submit", "approve"]
        filer = unit.filer.id if unit.filer else None
        reviewers = [account.id for account in (unit.top.reviewer, self.district_reviewer) if account]
        reviewer = rng.choice(reviewers) if reviewers else None
        at, status = filing["created_at"], Status.DRAFT
        snapshot: dict[str, Any] | None = None
        for step in path:
            at += timedelta(seconds=rng.randrange(3600, 14 * 86400))
            to_status, user, comment = {
                "submit": (Status.SUBMITTED, filer, ""),
                "return": (Status.RETURNED, reviewer, rng.choice(RETURN_REASONS)),
                "reopen": (Status.DRAFT, filer, "退回后修改"),
                "approve": (Status.APPROVED, reviewer, rng.choice(APPROVAL_COMMENTS)),
            }[step]
            filing["version"] += 1
            snapshot = snapshot or self._snapshot(filing["kind"], stored)
            self.tables[Transition].add(
                {
                    "filing_id": filing["id"],
                    "user_id": user,
                    "at": at,
                    "from_status": status,
                    "to_status": to_status,
                    "comment": comment,
                    "snapshot": {**snapshot, "version": filing["version"]},
                }
            )
            status = to_status
            self.counts["transitions"] += 1
        filing["status"], filing["updated_at"] = status, at

    def _snapshot(self, kind_code: str, stored: _Stored) -> dict[str, Any]:
        kind = kind_named(kind_code)
        rows = [
            row_snapshot(_Row(row["id"], row["category_id"], row["name"], row["value"], row["explanation"],
                              row["not_applicable"]), row["category"].label)
            for row in stored.rows
        ]  # fmt: skip
        tasks = [task_snapshot(_TaskRow(task)) for task in stored.tasks]
        return {
            "version": 1,
            "kind": kind_code,
            "fields": header_snapshot(kind, lambda name: stored.values.get(name)),
            "rows": rows,
            "tasks": tasks,
        }

    def _check(self, filing: dict[str, Any], unit: Unit, stored: _Stored) -> None:
        kind = kind_named(filing["kind"])
        rows = self.samples.plain_rows(stored.shape, filing["fiscal_year"])
        fields: dict[str, Any] = {}
        for name in RULE_FIELDS:
            if kind.has_field(name):
                found = stored.values.get(name)
                fields[name] = found if found is not None or name.endswith(("amount", "years")) else ""
        tasks = tuple(
            Task(task["name"], task["total_amount"], task["fiscal_amount"], task["other_amount"], task["position"])
            for task in stored.tasks
        )
        totals = {name: stored.values.get(name) for name in kind.tasks.totals} if kind.tasks else {}
        plain = PlainFiling(
            kind=kind.code,
            code=filing["code"],
            name=filing["name"],
            department=unit.name,
            district=unit.district,
            fiscal_year=filing["fiscal_year"],
            amount_unit=filing["amount_unit"],
            rows=rows,
            template=self.samples.specs[kind.code],
            tasks=tasks,
            task_totals=totals,
            labels={field.name: field.plain_label for field in kind.header},
            **fields,
        )
        findings = run_rules(plain, settings=self.settings.get(kind.code, {}))
        errors = sum(1 for finding in findings if finding.is_error)
        ids = [row["id"] for row in stored.rows]
        stored_findings = []
        for finding in findings:
            found = {name: getattr(finding, name) for name in FINDING_FIELDS}
            if finding.row:  # the rows are shared by the shape's filings: the id is this filing's row's
                found["indicator_id"] = ids[finding.row - 1]
            stored_findings.append(found)
        self.tables[FilingCheck].add(
            {
                "filing_id": filing["id"],
                "errors": errors,
                "warnings": len(findings) - errors,
                "findings": stored_findings,
                "checked_at": filing["created_at"],
            }
        )
        for row in rule_count_rows(
            filing_id=filing["id"],
            department_id=filing["department_id"],
            fiscal_year=filing["fiscal_year"],
            findings=stored_findings,
        ):
            self.tables[RuleCount].add(row)

    # —— amounts and texts ——

    @staticmethod
    def _scaled(amount: Decimal | None, factor: Decimal, unit: str) -> Decimal | None:
        """The amount in 元 times ``factor``, to the cent (元 forms) or to the hundred 元 (万元 forms, 0.01 万元)."""
        if amount is None:
            return None
        if unit == AmountUnit.WAN_YUAN:
            return (amount * factor / HUNDRED).quantize(Decimal(1)) * HUNDRED
        return (amount * factor).quantize(CENT)

    @staticmethod
    def _policy_basis(shape: Shape, year: int) -> str:
        text = shape.text("policy_basis", year)
        extra = [f"{label}：{other}" for label, other in shape.form.other_bases.items() if other]
        return "\n\n".join([text, *extra]) if extra else text


@dataclass
class _Row:
    pk: int
    category_id: int
    name: str
    value: str
    explanation: str
    not_applicable: bool


class _TaskRow:
    def __init__(self, task: dict[str, Any]):
        self.pk = task.get("id")
        for name in ("name", "content", "total_amount", "fiscal_amount", "other_amount"):
            setattr(self, name, task.get(name))
