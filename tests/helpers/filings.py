"""Builds filings directly in the database for tests: complete by default, with knobs to break them."""

from decimal import Decimal
from itertools import count

from indicators.models import FormTemplate, Indicator, Level2Category
from projects.models import Project, Status
from projects.services.filing import RowInput

_codes = count(1)
HEADER = {
    "duration_years": 3,
    "project_type": "15 其他经费",
    "is_new": False,
    "allocation": "项目法",
    "total_amount": Decimal("3000000.00"),
    "current_amount": Decimal("1000000.00"),
    "amount_unit": "万元",
    "policy_basis": "《深圳市测试办法》",
    "calculation_basis": "10 万元 × 10 项",
    "annual_goal": "完成年度测试任务",
    "long_term_goal": "持续完成测试任务",
}


# A target per required 二级指标 that the filing checks accept: no test filing fails them by accident.
SOUND_TARGETS = {
    "数量": "≥10个",
    "质量": "≥95%",
    "时效": "{year}年12月31日前",
    "成本": "≤100万元",
    "社会效益": "≥10%",
    "服务对象满意度": "≥90%",
}
AREA_CODES = {"宝安区": "440306", "福田区": "440304", "深汕特别合作区": "440313"}


def categories(template=None) -> list[Level2Category]:
    template = template or FormTemplate.default()
    return list(
        Level2Category.objects.filter(parent__template=template)
        .select_related("parent")
        .order_by("parent__order", "order")
    )


def make_filing(
    department,
    *,
    status=Status.DRAFT,
    name="测试项目",
    year=2024,
    rows_per_category=1,
    with_optional_rows=True,
    **fields,
) -> Project:
    template = FormTemplate.default()
    values = {**HEADER, **fields}
    project = Project.objects.create(
        template=template,
        fiscal_year=year,
        code=f"{AREA_CODES.get(department.district, '440306')}{next(_codes):015d}",
        name=name,
        applicant=department,
        top_unit=department.parent or department,
        status=status,
        **values,
    )
    rows, position = [], 0
    for category in categories(template):
        if not category.required and not with_optional_rows:
            continue
        for number in range(rows_per_category if category.required else 1):
            position += 1
            if category.required:
                rows.append(
                    Indicator(
                        project=project,
                        category=category,
                        position=position,
                        name=f"{category.name}指标{number + 1}",
                        value=SOUND_TARGETS[category.name].format(year=year),
                        explanation=f"考察{category.name}",
                    )
                )
            else:
                rows.append(
                    Indicator(
                        project=project,
                        category=category,
                        position=position,
                        name="不适用",
                        value="不适用",
                        explanation="不适用",
                        not_applicable=True,
                    )
                )
    Indicator.objects.bulk_create(rows)
    return project


def row_inputs(project: Project) -> list[RowInput]:
    """The project's stored rows as the filing page would send them back."""
    return [
        RowInput(
            id=row.pk,
            category_id=row.category_id,
            name=row.name,
            value=row.value,
            explanation=row.explanation,
            not_applicable=row.not_applicable,
        )
        for row in project.indicators.order_by("position")
    ]


def header_of(project: Project, **changes) -> dict:
    """The project's header as the filing page would send it back, with ``changes``."""
    fields = [
        "code",
        "name",
        "fiscal_year",
        "applicant",
        "duration_years",
        "project_type",
        "is_new",
        "allocation",
        "total_amount",
        "current_amount",
        "amount_unit",
        "policy_basis",
        "calculation_basis",
        "annual_goal",
        "long_term_goal",
    ]
    return {**{name: getattr(project, name) for name in fields}, **changes}
