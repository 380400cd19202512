"""Builds the rules' plain ``Filing`` from a stored project or from a parsed, unsaved one."""

from __future__ import annotations

from collections.abc import Iterable

from checks.filing import Filing, Row
from indicators.models import Indicator
from indicators.taxonomy import TemplateSpec
from projects.models import Project, district_of, in_yuan
from projects.parsers.filing import ParsedFiling


def filing_from_project(
    project: Project, *, indicators: Iterable[Indicator] | None = None, template: TemplateSpec | None = None
) -> Filing:
    """``indicators`` and ``template`` may be passed in when they were fetched in bulk."""
    if indicators is None:
        indicators = project.indicators.select_related("category__parent")
    ordered = sorted(indicators, key=lambda i: (i.category.parent.order, i.category.order, i.position))
    rows = tuple(
        Row(
            level1=indicator.category.parent.name,
            level2=indicator.category.name,
            name=indicator.name,
            value=indicator.value,
            explanation=indicator.explanation,
            not_applicable=indicator.not_applicable,
            position=number,
            indicator_id=indicator.pk,
        )
        for number, indicator in enumerate(ordered, start=1)
    )
    return Filing(
        code=project.code,
        name=project.name,
        applicant=project.applicant.name,
        district=project.applicant.district,
        fiscal_year=project.fiscal_year,
        duration_years=project.duration_years,
        project_type=project.project_type,
        total_amount=project.total_amount,
        current_amount=project.current_amount,
        amount_unit=project.amount_unit,
        annual_goal=project.annual_goal,
        long_term_goal=project.long_term_goal,
        rows=rows,
        template=template or project.template.spec(),
    )


def filing_from_parsed(parsed: ParsedFiling, *, template: TemplateSpec, fiscal_year: int | None = None) -> Filing:
    """A filing read from a file, checked before it is stored."""

    rows = tuple(
        Row(
            level1=row.level1,
            level2=row.level2,
            name=row.name,
            value=row.value,
            explanation=row.explanation,
            not_applicable=row.not_applicable,
            position=number,
        )
        for number, row in enumerate(parsed.indicators, start=1)
    )
    return Filing(
        code=parsed.code,
        name=parsed.name,
        applicant=parsed.applicant,
        district=district_of(parsed.applicant),
        fiscal_year=fiscal_year,
        duration_years=parsed.duration_years,
        project_type=parsed.project_type,
        total_amount=in_yuan(parsed.total_amount, parsed.amount_unit),
        current_amount=in_yuan(parsed.current_amount, parsed.amount_unit),
        amount_unit=parsed.amount_unit,
        annual_goal=parsed.annual_goal,
        long_term_goal=parsed.long_term_goal,
        rows=rows,
        template=template,
    )
