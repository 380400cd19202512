"""Builds filings directly in the database for tests: complete by default, with knobs to break them."""

from decimal import Decimal
from itertools import count
from typing import Any

from indicators.models import FormTemplate, Indicator, Level2Category
from projects.kinds import kind_named
from projects.models import FILING_FIELDS, Filing, OverallHeader, OverallTask, ProgramHeader, ProjectHeader, Status
from projects.services.rows import RowInput
from projects.services.tasks import TaskInput

_codes = count(1)
# The 二级 form's header: every field filled in, amounts in 元.
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
    "其他满意度": "≥90%",
}
AREA_CODES = {"宝安区": "440306", "福田区": "440304", "深汕特别合作区": "440313"}


def categories(template: FormTemplate | None = None) -> list[Level2Category]:
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
) -> Filing:
    """A complete 二级 filing of ``department`` (one real row under each required 二级指标), unless told
    otherwise. ``fields`` override header fields, wherever they are stored."""
    template = FormTemplate.default()
    values = {**HEADER, **fields}
    own = {name: values.pop(name) for name in list(values) if name in FILING_FIELDS}
    filing = Filing.objects.create(
        kind="project",
        template=template,
        fiscal_year=year,
        code=own.pop("code", f"{AREA_CODES.get(department.district, '440306')}{next(_codes):015d}"),
        name=name,
        department=department,
        status=status,
        **own,
    )
    top_unit = values.pop("top_unit", department.parent or department)
    ProjectHeader.objects.create(filing=filing, top_unit=top_unit, **values)
    rows, position = [], 0
    for category in categories(template):
        if not category.required and not with_optional_rows:
            continue
        for number in range(rows_per_category if category.required else 1):
            position += 1
            if category.required:
                rows.append(
                    Indicator(
                        filing=filing,
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
                        filing=filing,
                        category=category,
                        position=position,
                        name="不适用",
                        value="不适用",
                        explanation="不适用",
                        not_applicable=True,
                    )
                )
    Indicator.objects.bulk_create(rows)
    return Filing.objects.select_related("department", "project_header").get(pk=filing.pk)


def make_program(department, *, name="测试一级项目", year=2024, status=Status.DRAFT, **fields) -> Filing:
    """A complete 一级 filing: 资金总额, 项目绩效目标, its 测算明细 and a row under each output category."""
    template = FormTemplate.default("program")
    filing = Filing.objects.create(
        kind="program", template=template, fiscal_year=year, name=name, department=department, status=status,
        amount_unit="万元",
    )  # fmt: skip
    header = {
        "total_amount": Decimal("5000000"),
        "fiscal_amount": Decimal("5000000"),
        "other_amount": Decimal("0"),
        "goal": "1、完成测试任务；\n2、提升测试水平。",
        **fields,
    }
    ProgramHeader.objects.create(filing=filing, **header)
    rows = []
    for position, category in enumerate(categories(template), start=1):
        if category.name == "测算明细":
            rows.append(Indicator(filing=filing, category=category, position=position, name="1.测试经费 500 万元。"))
        else:
            value = SOUND_TARGETS.get(category.name, "有所提升").format(year=year)
            name = f"{category.name}指标"
            rows.append(Indicator(filing=filing, category=category, position=position, name=name, value=value))
    Indicator.objects.bulk_create(rows)
    return Filing.objects.select_related("department", "program_header").get(pk=filing.pk)


def make_overall(department, *, year=2024, status=Status.DRAFT, tasks=None, **fields) -> Filing:
    """A complete 部门整体 filing: 主管部门, goals, two tasks with their 合计, a row under each category."""
    template = FormTemplate.default("overall")
    filing = Filing.objects.create(
        kind="overall", template=template, fiscal_year=year, department=department, status=status, amount_unit="万元"
    )
    tasks = tasks if tasks is not None else [("基本支出", Decimal("1000000")), ("信息化建设", Decimal("500000"))]
    header = {
        "competent_unit": department.parent or department,
        "goals": "目标 1：完成测试任务。\n目标 2：提升测试水平。",
        "total_amount": sum((amount for _, amount in tasks), Decimal(0)),
        "fiscal_amount": sum((amount for _, amount in tasks), Decimal(0)),
        "other_amount": Decimal("0"),
        **fields,
    }
    OverallHeader.objects.create(filing=filing, **header)
    OverallTask.objects.bulk_create(
        OverallTask(filing=filing, position=position, name=name, content=f"{name}的内容", total_amount=amount,
                    fiscal_amount=amount, other_amount=Decimal("0"))
        for position, (name, amount) in enumerate(tasks, start=1)
    )  # fmt: skip
    rows = [
        Indicator(filing=filing, category=category, position=position, name=f"{category.name}指标",
                  value=SOUND_TARGETS.get(category.name, "有所提升").format(year=year))
        for position, category in enumerate(categories(template), start=1)
    ]  # fmt: skip
    Indicator.objects.bulk_create(rows)
    return Filing.objects.select_related("department", "overall_header").get(pk=filing.pk)


def row_inputs(filing: Filing) -> list[RowInput]:
    """The filing's stored rows as the filing page would send them back."""
    return [
        RowInput(
            id=row.pk,
            category_id=row.category_id,
            name=row.name,
            value=row.value,
            explanation=row.explanation,
            not_applicable=row.not_applicable,
        )
        for row in filing.indicators.order_by("position")
    ]


def task_inputs(filing: Filing) -> list[TaskInput]:
    """The filing's stored tasks as the filing page would send them back."""
    return [
        TaskInput(
            name=task.name,
            content=task.content,
            total_amount=task.total_amount,
            fiscal_amount=task.fiscal_amount,
            other_amount=task.other_amount,
            id=task.pk,
        )
        for task in filing.tasks.order_by("position")
    ]


def header_of(filing: Filing, **changes: Any) -> dict[str, Any]:
    """The filing's header as the filing page would send it back (every field the page edits), with
    ``changes``."""
    kind = kind_named(filing.kind)
    names = [field.name for field in kind.header if field.name not in kind.derived]
    values = {name: filing.value(name) for name in names}
    values["amount_unit"] = filing.amount_unit
    return {**values, **changes}
