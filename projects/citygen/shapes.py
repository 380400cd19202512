"""The sample filings (``samples/``) as shapes to copy: each generated filing is one of them with
another code, name, unit, year and amounts, and its years moved to the generated one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings

from checks.filing import Row
from indicators.models import FormTemplate, Level2Category
from indicators.taxonomy import TemplateSpec
from indicators.values import value_parts
from projects.models import AmountUnit, in_yuan
from projects.parsers.filing import ParsedFiling
from projects.parsers.text import infer_fiscal_year, parse_text
from projects.services.imports import vocabularies

SAMPLES = Path(settings.BASE_DIR) / "samples"


@dataclass(frozen=True)
class Category:
    id: int
    label: str  # 产出 / 数量, as snapshots name it
    order: tuple[int, int]


@dataclass
class Shape:
    """One sample form and the year it was filed for."""

    form: ParsedFiling
    year: int

    @property
    def kind(self) -> str:
        return self.form.kind

    @property
    def amount_unit(self) -> str:
        return self.form.amount_unit or AmountUnit.YUAN

    def amount(self, name: str) -> Any:
        """A header amount in 元."""
        return in_yuan(self.form.values.get(name), self.amount_unit)

    def text(self, name: str, year: int) -> str:
        return self.moved(str(self.form.value(name)), year)

    def moved(self, text: str, year: int) -> str:
        """The text with the sample's years moved to ``year`` (2023年12月前 → 2025年12月前)."""
        for offset in (0, 1, 2):
            text = text.replace(f"{self.year + offset}年", f"{year + offset}年")
        return text


@dataclass
class Samples:
    """The sample shapes by kind, with each kind's template and categories."""

    by_kind: dict[str, list[Shape]]
    templates: dict[str, int]
    specs: dict[str, TemplateSpec]
    categories: dict[tuple[str, str, str], Category]  # (kind, 一级, 二级) → category

    @cached_property
    def rows_cache(self) -> dict[tuple[int, int], list[dict[str, Any]]]:
        return {}

    @cached_property
    def plain_cache(self) -> dict[tuple[int, int], tuple[Row, ...]]:
        return {}

    def plain_rows(self, shape: Shape, year: int) -> tuple[Row, ...]:
        """The rows as the rules read them, shared by every filing of the shape and year so that each
        value is parsed once (``Row.parsed``); findings name the row by position, not by id."""
        key = (id(shape), year)
        if key not in self.plain_cache:
            self.plain_cache[key] = tuple(
                Row(
                    level1=level1,
                    level2=level2,
                    name=row["name"],
                    value=row["value"],
                    explanation=row["explanation"],
                    not_applicable=row["not_applicable"],
                    position=number,
                )
                for number, row in enumerate(self.rows(shape, year), start=1)
                for level1, level2 in (row["category"].label.split(" / "),)
            )
        return self.plain_cache[key]

    def rows(self, shape: Shape, year: int) -> list[dict[str, Any]]:
        """The shape's indicator rows for ``year``, in form order, with their values read (as an import stores them)."""
        key = (id(shape), year)
        if key not in self.rows_cache:
            rows = []
            for position, row in enumerate(shape.form.indicators, start=1):
                category = self.categories[(shape.kind, row.level1, row.level2)]
                value = shape.moved(row.value, year)
                rows.append(
                    {
                        "category": category,
                        "position": position,
                        "name": row.name,
                        "value": value,
                        "explanation": shape.moved(row.explanation, year),
                        "not_applicable": row.not_applicable,
                        "source_line": row.line,
                        **value_parts(value, not_applicable=row.not_applicable),
                    }
                )
            rows.sort(key=lambda row: row["category"].order)  # stable: the form's order within a 二级指标
            self.rows_cache[key] = rows
        return self.rows_cache[key]


def load_samples() -> Samples:
    known = vocabularies()
    by_kind: dict[str, list[Shape]] = defaultdict(list)
    for path in sorted(SAMPLES.glob("*.txt")):
        forms = parse_text(path.read_text(encoding="utf-8-sig"), vocabularies=known).filings
        file_year = infer_fiscal_year(forms) or 2023
        for form in forms:
            by_kind[form.kind].append(Shape(form, form.fiscal_year or file_year))
    templates = {t.kind: t for t in FormTemplate.objects.filter(is_default=True)}
    categories = {}
    for category in Level2Category.objects.select_related("parent__template").filter(parent__template__is_default=True):
        kind = category.parent.template.kind
        categories[(kind, category.parent.name, category.name)] = Category(
            category.pk, f"{category.parent.name} / {category.name}", (category.parent.order, category.order)
        )
    return Samples(
        by_kind=dict(by_kind),
        templates={kind: t.pk for kind, t in templates.items()},
        specs={kind: t.spec() for kind, t in templates.items()},
        categories=categories,
    )
