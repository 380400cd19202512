"""Does a unit's 部门整体 form agree with the projects it filed? Plain data in, plain data out.

The 整体 form lists the year's 年度主要任务 with their budgets; the unit also files a 一级 form per
一级 project and a 二级 form per project. A task answers to the projects of the same name (after
``match_key``: full- and half-width and spaces do not count), unless a person linked it to others
by hand or unlinked a project the name had matched; a manual decision is kept by the task's name,
so it survives a re-import that recreates the tasks.

A task is compared with what its projects ask for this year: a 一级 project's 资金总额, a 二级
project's 本年度项目金额 (the sum, when several answer to one task). Both sides are rounded to the
decimals the 整体 form printed its amounts with (大鹏 2021 prints whole 万元: 524 against the 一级
form's 524.11 is no difference). A 一级 project whose 二级 projects add up to another amount is a
difference too. A task that no project answers to (基本支出 has none) is shown, not flagged.

The database side (which filings, which links) lives in ``projects.services.reconciliation``.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10000)
_IGNORED = str.maketrans("", "", "·・、,，.。:：;；\"'“”‘’")


def match_key(name: str) -> str:
    """The name as matching sees it: 12345 分拨中心 and １２３４５分拨中心 are one name."""
    return "".join(unicodedata.normalize("NFKC", name).translate(_IGNORED).split())


@dataclass(frozen=True)
class Task:
    name: str
    amount: Decimal | None  # 总额, 元
    position: int = 0


@dataclass(frozen=True)
class Project:
    filing_id: int
    kind: str  # program (一级) or project (二级)
    name: str
    amount: Decimal | None  # 一级: 资金总额; 二级: 本年度项目金额; 元
    program_id: int | None = None  # a 二级 project's 一级 project
    code: str = ""


@dataclass(frozen=True)
class Link:
    """A person's decision: the task (by ``match_key`` of its name) answers, or does not answer, to a filing."""

    task_key: str
    filing_id: int
    linked: bool


@dataclass(frozen=True)
class Difference:
    subject: str  # what a person looks at: the task, or the 一级 project
    expected: Decimal  # 元: what the 整体 form (or the 一级 form) says
    found: Decimal  # 元: what the projects add up to
    message: str

    @property
    def gap(self) -> Decimal:
        return self.expected - self.found


@dataclass
class TaskMatch:
    """A task and the projects that answer to it; ``linked`` of them by hand, and ``unlinked`` the
    projects of its name that a person said do not answer to it."""

    task: Task
    projects: list[Project]
    linked: set[int] = field(default_factory=set)
    unlinked: list[Project] = field(default_factory=list)
    difference: Difference | None = None

    @property
    def by_hand(self) -> bool:
        return bool(self.linked or self.unlinked)

    @property
    def project_amount(self) -> Decimal | None:
        amounts = [p.amount for p in self.projects if p.amount is not None]
        return sum(amounts, Decimal(0)) if amounts else None


@dataclass
class ProgramGroup:
    """A 一级 project with the 二级 projects it groups."""

    program: Project
    children: list[Project]
    difference: Difference | None = None

    @property
    def children_amount(self) -> Decimal:
        return sum((p.amount for p in self.children if p.amount is not None), Decimal(0))


@dataclass
class Reconciliation:
    unit: str  # the 整体 form's amount unit, 元 or 万元
    places: int  # the decimals it printed its amounts with
    matches: list[TaskMatch]
    programs: list[ProgramGroup]
    unmatched: list[Project] = field(default_factory=list)  # projects no task answers to
    task_total: Decimal | None = None  # 合计 as printed
    projects: list[Project] = field(default_factory=list)  # every project of the unit-year

    @property
    def differences(self) -> list[Difference]:
        found = [m.difference for m in self.matches if m.difference is not None]
        return found + [g.difference for g in self.programs if g.difference is not None]


def in_unit(yuan: Decimal, unit: str) -> Decimal:
    return yuan / WAN if unit == "万元" else yuan


def shown(yuan: Decimal, unit: str, places: int) -> Decimal:
    """The amount as the form would print it: in its unit, rounded to its decimals."""
    return in_unit(yuan, unit).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _words(amount: Decimal, unit: str, places: int) -> str:
    return f"{shown(amount, unit, places):,}{unit}"


def reconcile(
    *,
    tasks: Iterable[Task],
    projects: Iterable[Project],
    links: Iterable[Link] = (),
    unit: str = "元",
    places: int = 2,
    task_total: Decimal | None = None,
) -> Reconciliation:
    projects = list(projects)
    by_id = {p.filing_id: p for p in projects}
    by_name: dict[str, list[Project]] = defaultdict(list)
    for project in projects:
        by_name[match_key(project.name)].append(project)
    decisions: dict[str, dict[int, bool]] = defaultdict(dict)
    for link in links:
        if link.filing_id in by_id:
            decisions[link.task_key][link.filing_id] = link.linked
    matches = []
    for task in tasks:
        key = match_key(task.name)
        chosen = decisions.get(key, {})
        candidates = _by_name(by_name, key)
        named = [p for p in candidates if chosen.get(p.filing_id, True)]
        linked = [by_id[pk] for pk, yes in chosen.items() if yes and by_id[pk] not in candidates]
        unlinked = [p for p in candidates if not chosen.get(p.filing_id, True)]
        match = TaskMatch(task, named + linked, {p.filing_id for p in linked}, unlinked)
        match.difference = _task_difference(match, unit, places)
        matches.append(match)
    answered = {p.filing_id for m in matches for p in m.projects}
    # The 二级 projects of a 一级 project a task answers to are accounted for through it.
    answered |= {p.filing_id for p in projects if p.program_id in answered}
    programs = _programs(projects, unit)
    unmatched = [p for p in projects if p.filing_id not in answered]
    return Reconciliation(unit, places, matches, programs, unmatched, task_total, projects)


def _by_name(by_name: dict[str, list[Project]], key: str) -> list[Project]:
    """A task named like a 一级 project answers to it (its 二级 projects are counted through it);
    otherwise to the 二级 projects of its name."""
    named = by_name.get(key, [])
    programs = [p for p in named if p.kind == "program"]
    return programs or named


def _task_difference(match: TaskMatch, unit: str, places: int) -> Difference | None:
    amount, found = match.task.amount, match.project_amount
    if not match.projects or amount is None or found is None:
        return None
    if shown(amount, unit, places) == shown(found, unit, places):
        return None
    names = "、".join(p.name for p in match.projects)
    return Difference(
        subject=f"年度主要任务 · {match.task.name}",
        expected=amount,
        found=found,
        message=(
            f"年度主要任务“{match.task.name}”为{_words(amount, unit, places)}，"
            f"对应项目（{names}）为{_words(found, unit, places)}，相差{_words(amount - found, unit, places)}"
        ),
    )


def _programs(projects: list[Project], unit: str) -> list[ProgramGroup]:
    children: dict[int, list[Project]] = defaultdict(list)
    for project in projects:
        if project.kind == "project" and project.program_id is not None:
            children[project.program_id].append(project)
    groups = []
    for program in (p for p in projects if p.kind == "program"):
        group = ProgramGroup(program, children.get(program.filing_id, []))
        total, summed = program.amount, group.children_amount
        # 一级 forms print 万元 to the cent; compare there.
        if group.children and total is not None and shown(total, "万元", 2) != shown(summed, "万元", 2):
            group.difference = Difference(
                subject=f"一级项目 · {program.name}",
                expected=total,
                found=summed,
                message=(
                    f"一级项目“{program.name}”资金总额为{_words(total, unit, 2)}，"
                    f"其 {len(group.children)} 个二级项目本年度金额合计{_words(summed, unit, 2)}"
                ),
            )
        groups.append(group)
    return groups
