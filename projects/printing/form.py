"""What the printed form shows: the header grid and the indicator table cut into page blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.template.loader import render_to_string

from indicators.models import Indicator, Level1Category
from indicators.values import decimal_places
from projects.models import Project
from projects.printing.paging import IndicatorRow, Level1Rows, Level2Rows, header_height_mm, page_blocks

TEMPLATE = "print/form.html"
# Control characters (text extracted from PDFs carries form feeds and the like) and the two
# noncharacters: no font has a glyph for them, and WeasyPrint garbles the text layer of the whole
# PDF when it prints one. Nor may they appear in XML, which the engine reads the form as.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Category:
    level1: str
    level2: str
    required: bool


def format_amount(amount: Decimal | None) -> str:
    """49235800 → 49,235,800.00; keeps every significant decimal a 万元 amount carries."""
    if amount is None:
        return ""
    digits = max(2, decimal_places(amount.normalize()))
    return f"{amount:,.{digits}f}"


def person_name(user) -> str:
    """Chinese order, family name first: 李丽 rather than Django's "丽 李"."""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "是" if value else "否"


def template_categories(template_id: int) -> dict[int, Category]:
    """The template's 二级 categories by id, in the official order."""
    categories = {}
    for level1 in Level1Category.objects.filter(template_id=template_id).prefetch_related("children"):
        for level2 in level1.children.all():
            categories[level2.pk] = Category(level1.name, level2.name, level2.required)
    return categories


def indicator_levels(indicators: Iterable[Indicator], categories: dict[int, Category]) -> list[Level1Rows]:
    """Every category in the official order with its 三级 rows, as filed.

    A category the filing left out still gets one empty row, as on the paper form.
    """
    rows: dict[int, list[IndicatorRow]] = {pk: [] for pk in categories}
    for indicator in sorted(indicators, key=lambda i: (i.position, i.pk)):
        rows[indicator.category_id].append(IndicatorRow(indicator.name, indicator.value, indicator.explanation))
    levels: list[Level1Rows] = []
    for pk, category in categories.items():
        if not levels or levels[-1].label != category.level1:
            levels.append(Level1Rows(category.level1, []))
        label = f"*{category.level2}" if category.required else category.level2
        levels[-1].groups.append(Level2Rows(label, rows[pk] or [IndicatorRow()]))
    return levels


def header_rows(project: Project) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    """The header grid: two label/value pairs a row, then the long texts across the full width."""
    unit = project.amount_unit
    pairs = [
        ("项目编码", project.code, "项目名称", project.name),
        ("申请单位", project.applicant.name, "一级预算单位", project.top_unit.name),
        ("实施期限", f"{project.duration_years}年" if project.duration_years else "", "项目类型", project.project_type),
        ("是否新增项目", _yes_no(project.is_new), "分配方式", project.allocation),
        (
            f"项目总金额（中期规划，{unit}）",
            format_amount(project.in_filing_unit(project.total_amount)),
            f"本年度项目金额（{unit}）",
            format_amount(project.in_filing_unit(project.current_amount)),
        ),
    ]
    texts = [
        (project.policy_basis_label or "政策依据", project.policy_basis),
        ("测算依据", project.calculation_basis),
        ("年度目标", project.annual_goal),
        ("长期目标（跨度多年的项目需填）", project.long_term_goal),
    ]
    return pairs, texts


def form_context(project: Project, *, levels: list[Level1Rows], review=None) -> dict:
    """``review`` is the decisive review (``comment``, ``user``, ``created_at``) or None."""
    pairs, texts = header_rows(project)
    return {
        "project": project,
        "pairs": pairs,
        "texts": texts,
        "blocks": page_blocks(levels, above_mm=header_height_mm(pairs, texts)),
        "status": project.get_status_display(),
        "review": review,
        "reviewer": person_name(review.user) if review and review.user else "",
    }


def render_forms_html(projects: Iterable[Project], reviews: dict | None = None) -> list[str]:
    """The HTML of each project's form, in the order given, with a fixed number of queries."""
    return list(forms_html(projects, reviews))


def forms_html(projects: Iterable[Project], reviews: dict | None = None) -> Iterator[str]:
    """``render_forms_html`` a form at a time: the projects and their indicators are read at once,
    each form is made when asked for (reading each template's categories the first time)."""
    projects = list(projects)
    ids = [project.pk for project in projects]
    loaded = (
        Project.objects.select_related("applicant", "top_unit")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")))
        .in_bulk(ids)
    )
    return _forms_html(ids, loaded, reviews or {})


def _forms_html(ids: list[int], loaded: dict[int, Project], reviews: dict) -> Iterator[str]:
    categories_by_template: dict[int, dict[int, Category]] = {}
    for pk in ids:
        project = loaded[pk]
        if project.template_id not in categories_by_template:
            categories_by_template[project.template_id] = template_categories(project.template_id)
        levels = indicator_levels(project.indicators.all(), categories_by_template[project.template_id])
        html = render_to_string(TEMPLATE, form_context(project, levels=levels, review=reviews.get(pk)))
        yield _UNPRINTABLE.sub("", html)


def render_form_html(*, project: Project, review=None) -> str:
    return render_forms_html([project], {project.pk: review} if review else None)[0]
