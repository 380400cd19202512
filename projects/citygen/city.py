"""Generates a whole city of filings into the configured database (``manage.py generate_city``)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from checks.counts import check_totals_refresh
from checks.models import FilingCheck, RuleCount
from indicators.models import Indicator
from projects.citygen.filings import FilingBuilder
from projects.citygen.plan import CityPlan, plan_city
from projects.citygen.shapes import load_samples
from projects.citygen.tables import Tables
from projects.models import (
    Assignment,
    Department,
    Filing,
    OverallHeader,
    OverallTask,
    ProgramHeader,
    ProjectHeader,
    Role,
    Transition,
    district_of,
    normalise_unit_name,
)
from projects.selectors import ADMIN_GROUP, FILER_GROUP, REVIEWER_GROUP

# The city measured in docs/scale.md: 100,000 二级 projects in 505 units of 10 districts.
REFERENCE_PROJECTS, REFERENCE_UNITS = 100_000, 505
PASSWORD = "budgetperf-city"


class CityNotEmpty(Exception):
    """The database already holds units or filings: a city is generated only into an empty one."""


@dataclass
class CityOptions:
    projects: int = REFERENCE_PROJECTS
    seed: int = 22
    years: tuple[int, ...] = (2023, 2024, 2025)
    districts: int = 10
    password: str = PASSWORD

    @property
    def units(self) -> int:
        """505 units at 100,000 projects, in proportion; at least a top-level unit with one under it per district."""
        return max(2 * self.districts, round(REFERENCE_UNITS * self.projects / REFERENCE_PROJECTS))


def _tables() -> Tables:
    """Every table written, parents first."""
    models = [User, User.groups.through, Department, Department.history.model, Assignment, Filing, Filing.history.model]
    for header in (ProjectHeader, ProgramHeader, OverallHeader):
        models += [header, header.history.model]
    models += [
        Indicator,
        Indicator.history.model,
        OverallTask,
        OverallTask.history.model,
        Transition,
        FilingCheck,
        RuleCount,
    ]
    return Tables(models)


def generate_city(*, options: CityOptions, say: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Writes the city in one transaction, a district's year at a time; returns what it wrote, by kind."""
    if Filing.objects.exists() or Department.objects.exists() or User.objects.filter(username="city-admin").exists():
        raise CityNotEmpty("数据库中已有预算单位或申报表：generate_city 只写入空数据库（迁移后即可）")
    started = time.monotonic()
    rng = random.Random(options.seed)
    samples = load_samples()
    plan = plan_city(
        rng=rng,
        units=options.units,
        districts=options.districts,
        projects=options.projects,
        years=list(options.years),
    )
    with transaction.atomic():
        groups = {
            name: Group.objects.get_or_create(name=name)[0].pk for name in (ADMIN_GROUP, FILER_GROUP, REVIEWER_GROUP)
        }
        _skip_foreign_key_triggers()
        tables = _tables()
        _write_units_and_accounts(plan, tables, options, groups)
        builder = FilingBuilder(samples=samples, tables=tables, rng=rng)
        for district in plan.districts:
            builder.district_reviewer = district.reviewer
            for year in options.years:
                chunk = time.monotonic()
                before = builder.counts["project"]
                for unit in district.units:
                    builder.unit_year(unit, year, plan.projects[unit.seq][year])
                tables.flush()
                say(
                    f"{district.name} {year}：{builder.counts['project'] - before:,} 张二级项目，"
                    f"{time.monotonic() - chunk:.1f} s（累计 {builder.counts['project']:,} 张，"
                    f"{time.monotonic() - started:.0f} s）"
                )
        tables.finish()
        tables.reset_sequences()
        check_totals_refresh()  # the check report's totals per unit and year, from the counts just written
    if connection.vendor == "postgresql":
        # VACUUM as well as ANALYZE: counts and lists then read the indexes alone (the visibility map),
        # as on a server whose autovacuum has caught up after a day's work.
        # (VACUUM cannot run inside a transaction: a caller's, e.g. a test's, leaves ANALYZE alone.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return {
        "units": len(plan.units),
        "districts": len(plan.districts),
        "accounts": len(plan.accounts),
        **builder.counts,
        "indicator_history": tables[Indicator.history.model].written,
        "seconds": round(time.monotonic() - started),
    }


def _skip_foreign_key_triggers() -> None:
    """On PostgreSQL, as a superuser, this transaction fires no triggers: the foreign keys' checks,
    queued for every row written, would double the time. The ids are chosen here and refer only to
    rows written here (the tests check every key on SQLite, which checks them at the end)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser')")
        if cursor.fetchone()[0] == "on":
            cursor.execute("SET LOCAL session_replication_role = replica")


def _write_units_and_accounts(plan: CityPlan, tables: Tables, options: CityOptions, groups: dict[str, int]) -> None:
    when = datetime(min(options.years) - 1, 8, 1, tzinfo=UTC)
    for unit in plan.units:
        unit.id = tables[Department].new_id()
        row = {
            "id": unit.id,
            "name": unit.name,
            "normalised_name": normalise_unit_name(unit.name),
            "district": district_of(unit.name),
            "parent_id": unit.parent.id if unit.parent else None,
        }
        tables[Department].add(row)
        history = {"history_date": when, "history_type": "+", "history_change_reason": "导入申报表时新建"}
        tables[Department.history.model].add({**row, **history})
    role_groups: dict[str, int] = {Role.FILER: groups[FILER_GROUP], Role.REVIEWER: groups[REVIEWER_GROUP]}
    password = make_password(options.password)
    for account in plan.accounts:
        account.id = tables[User].new_id()
        tables[User].add(
            {
                "id": account.id,
                "username": account.username,
                "password": password,
                "first_name": account.full_name,
                "is_staff": account.administrator,
                "is_superuser": account.administrator,
                "is_active": True,
                "date_joined": when,
            }
        )
        member_of = {groups[ADMIN_GROUP]} if account.administrator else set()
        for unit, role in account.grants:
            tables[Assignment].add({"user_id": account.id, "department_id": unit.id, "role": role})
            member_of.add(role_groups[role])
        for group in sorted(member_of):
            tables[User.groups.through].add({"user_id": account.id, "group_id": group})
