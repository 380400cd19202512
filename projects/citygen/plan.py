"""The city's layout: districts, their units (top-level bureaus with units under them), how many
projects each unit files a year, and the accounts over units and whole districts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from projects.citygen.names import BUREAUS, DISTRICTS, SUBORDINATES, ordinal
from projects.models import Role

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力"


@dataclass
class Unit:
    seq: int  # 1, 2, … across the city: part of the unit's project codes
    name: str
    district: str
    area_code: str
    parent: Unit | None = None
    weight: float = 1.0
    id: int = 0
    filer: Account | None = None
    reviewer: Account | None = None

    @property
    def top(self) -> Unit:
        return self.parent or self


@dataclass
class Account:
    username: str
    full_name: str
    grants: list[tuple[Unit, str]] = field(default_factory=list)  # (unit, role)
    administrator: bool = False
    id: int = 0


@dataclass
class District:
    name: str
    area_code: str
    units: list[Unit] = field(default_factory=list)
    reviewer: Account | None = None


@dataclass
class CityPlan:
    districts: list[District]
    accounts: list[Account]
    # unit seq → projects per year
    projects: dict[int, dict[int, int]]

    @property
    def units(self) -> list[Unit]:
        return [unit for district in self.districts for unit in district.units]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` shared out in proportion to ``weights``, the remainders to the largest fractions."""
    whole = sum(weights) or 1.0
    exact = [total * weight / whole for weight in weights]
    shares = [int(share) for share in exact]
    by_fraction = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for index in by_fraction[: total - sum(shares)]:
        shares[index] += 1
    return shares


def plan_city(*, rng: random.Random, units: int, districts: int, projects: int, years: list[int]) -> CityPlan:
    chosen = DISTRICTS[:districts]
    laid_out: list[District] = []
    seq = 0
    for (name, area), count in zip(chosen, _split(units, [1.0] * len(chosen)), strict=True):
        district = District(name, area)
        tops = max(1, round(count / 4.2))
        for index, children in enumerate(_split(count - tops, [rng.uniform(0.5, 1.5) for _ in range(tops)])):
            bureau = BUREAUS[index % len(BUREAUS)]
            if index >= len(BUREAUS):
                bureau = f"{bureau}第{ordinal(index // len(BUREAUS) + 1)}分局"
            seq += 1
            top = Unit(seq, f"深圳市{name}{bureau}（本级）", name, area, weight=rng.lognormvariate(0.3, 0.6))
            district.units.append(top)
            for number in range(children):
                seq += 1
                suffix = SUBORDINATES[number % len(SUBORDINATES)]
                if number >= len(SUBORDINATES):
                    suffix = f"第{ordinal(number // len(SUBORDINATES) + 1)}{suffix}"
                child = Unit(seq, f"深圳市{name}{bureau}{suffix}", name, area, top, rng.lognormvariate(0, 0.6))
                district.units.append(child)
        laid_out.append(district)
    all_units = [unit for district in laid_out for unit in district.units]
    counts: dict[int, dict[int, int]] = {unit.seq: {} for unit in all_units}
    for year, share in zip(years, _split(projects, [1.0] * len(years)), strict=True):
        for unit, count in zip(all_units, _split(share, [unit.weight for unit in all_units]), strict=True):
            counts[unit.seq][year] = count
    return CityPlan(laid_out, _accounts(rng, laid_out), counts)


def _accounts(rng: random.Random, districts: list[District]) -> list[Account]:
    """An administrator; per district a reviewer of all its units; per top-level unit a filer and a
    reviewer (covering the units under it); per unit under it a filer of its own."""
    accounts = [Account("city-admin", "城市管理员", administrator=True)]
    for number, district in enumerate(districts, start=1):
        district.reviewer = Account(f"city-d{number:02d}-reviewer", f"{district.name}审核{_person(rng)}")
        accounts.append(district.reviewer)
        for unit in district.units:
            unit.filer = Account(f"city-u{unit.seq:04d}-filer", _person(rng), [(unit, Role.FILER)])
            accounts.append(unit.filer)
            if unit.parent is None:
                district.reviewer.grants.append((unit, Role.REVIEWER))
                unit.reviewer = Account(f"city-u{unit.seq:04d}-reviewer", _person(rng), [(unit, Role.REVIEWER)])
                accounts.append(unit.reviewer)
    return accounts
