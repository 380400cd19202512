"""The 二级项目支出绩效目标申报表: one per 二级 project."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from simple_history.models import HistoricalRecords

from projects.kinds import register
from projects.kinds.base import (
    CELL_TEXT,
    LONG_TEXT,
    Amount,
    Choice,
    Code,
    Column,
    FilingLink,
    FormKind,
    HeaderField,
    IndicatorTable,
    Row,
    Text,
    Unit,
    Wide,
    Year,
    Years,
    YesNo,
    length_limits,
)
from projects.models.filing import Filing, KindManager
from projects.models.units import Department

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Allocation(models.TextChoices):
    FACTOR = "因素法", "因素法"
    PROJECT = "项目法", "项目法"
    BOTH = "因素法和项目法", "因素法和项目法"


class ProjectHeader(models.Model):
    """What the 二级 form has beyond every filing's own fields (code, name, unit, year)."""

    filing = models.OneToOneField(
        Filing, on_delete=models.CASCADE, primary_key=True, related_name="project_header", verbose_name="申报表"
    )
    top_unit = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="一级预算单位")
    program = models.ForeignKey(
        Filing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        limit_choices_to={"kind": "program"},
        verbose_name="所属一级项目",
    )
    duration_years = models.PositiveSmallIntegerField("实施期限（年）", null=True, blank=True)
    project_type = models.CharField("项目类型", max_length=50, blank=True)
    is_new = models.BooleanField("是否新增项目", null=True, blank=True)
    allocation = models.CharField("分配方式", max_length=20, choices=Allocation.choices, blank=True)
    total_amount = models.DecimalField(
        "项目总金额（中期规划，元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    current_amount = models.DecimalField("本年度项目金额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    policy_basis_label = models.CharField("政策依据栏目名称", max_length=20, default="政策依据")
    policy_basis = models.TextField("政策依据", max_length=LONG_TEXT, blank=True)
    calculation_basis = models.TextField("测算依据", max_length=LONG_TEXT, blank=True)
    annual_goal = models.TextField("年度目标", max_length=LONG_TEXT, blank=True)
    long_term_goal = models.TextField("长期目标", max_length=LONG_TEXT, blank=True)
    history = HistoricalRecords()

    _history_user: User | None
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "二级项目表头"
        indexes = [
            # The list's 项目类型 choices are read from here (projects.choices).
            models.Index(fields=["project_type"], name="project_type"),
            # The list's 合计 row and its sorts by amount or type: read from the index alone, not from the
            # header's long texts (PostgreSQL; elsewhere a plain index on the filing).
            models.Index(
                fields=["filing"], include=["current_amount", "total_amount", "project_type"], name="project_listed"
            ),
        ]
        constraints = length_limits(
            "project_header",
            dict.fromkeys(("policy_basis", "calculation_basis", "annual_goal", "long_term_goal"), LONG_TEXT),
        )

    def __str__(self) -> str:
        return str(self.filing)


def top_unit_of(department: Department) -> Department:
    """The 一级预算单位 a unit files under: its topmost parent, or itself."""
    seen = {department.pk}
    # A unit without a parent gives None for it, without a query.
    while department.parent_id not in seen and (parent := department.parent) is not None:
        department = parent
        seen.add(department.pk)
    return department


def _top_unit(values) -> dict:
    """The 一级预算单位 follows from the 申请单位."""
    department = values("department")
    return {"top_unit": top_unit_of(department)} if department is not None else {}


def _long_term_goal_needed(values) -> list[tuple[str, str]]:
    """A project of several years also states what it achieves by its end."""
    years = values("duration_years")
    if years and years > 1 and not (values("long_term_goal") or "").strip():
        return [("long_term_goal", f"长期目标：实施期限为{years}年，跨度多年的项目需填写")]
    return []


class ProjectFiling(Filing):
    """The 二级项目 filings, for their admin pages."""

    objects: ClassVar[KindManager[Any]] = KindManager("project")

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "二级项目"

    def save(self, *args, **kwargs) -> None:
        self.kind = "project"
        super().save(*args, **kwargs)


KIND = FormKind(
    code="project",
    title="二级项目支出绩效目标申报表",
    short_name="二级项目",
    header=(
        HeaderField("fiscal_year", "预算年度", Year(), required=True),
        HeaderField(
            "code", "项目编码", Code(), spellings=("项目编[码号]",), required=True, hint="请填写21位数字的项目编码。"
        ),
        HeaderField("name", "项目名称", Text(200), required=True, hint="请填写项目名称。"),
        HeaderField(
            "department", "申请单位", Unit(), spellings=("实施单位",), required=True, hint="请填写申请单位的全称。"
        ),
        HeaderField("top_unit", "一级预算单位", Unit(), spellings=("主管部门",), required=True),
        HeaderField("program", "一级项目名称", FilingLink("program"), spellings=("所属一级项目",)),
        HeaderField("duration_years", "实施期限", Years(), required=True, hint="请填写项目实施的年数，如“3”。"),
        HeaderField("project_type", "项目类型", Text(50), required=True, hint="请按代码和名称填写，如“15 其他经费”。"),
        HeaderField("is_new", "是否新增项目", YesNo(), required=True),
        HeaderField("allocation", "分配方式", Choice(tuple(Allocation.values)), required=True),
        HeaderField(
            "total_amount",
            "项目总金额（中期规划，{unit}）",
            Amount(),
            required=True,
            hint="请填写项目实施期限内的总金额。",
        ),
        HeaderField(
            "current_amount",
            "本年度项目金额（{unit}）",
            Amount(),
            spellings=("年度资金总额",),
            required=True,
            hint="请填写本预算年度安排的金额。",
        ),
        HeaderField(
            "policy_basis",
            "政策依据",
            Text(long=True),
            spellings=("项目概况", "项目申报依据"),
            required=True,
            label_field="policy_basis_label",
        ),
        HeaderField("calculation_basis", "测算依据", Text(long=True), required=True),
        HeaderField(
            "annual_goal",
            "年度目标",
            Text(long=True),
            required=True,
            hint="请写明本年度通过项目要完成的任务和达到的效果。",
        ),
        HeaderField("long_term_goal", "长期目标（跨度多年的项目需填）", Text(long=True)),
    ),
    layout=(
        Row("code", "name"),
        Row("department", "top_unit"),
        Row("duration_years", "project_type"),
        Row("is_new", "allocation"),
        Row("total_amount", "current_amount"),
        Wide("policy_basis"),
        Wide("calculation_basis"),
        Wide("annual_goal"),
        Wide("long_term_goal"),
    ),
    indicators=IndicatorTable(
        columns=(
            Column("name", "三级指标", width=22),
            Column("value", "指标值", width=16),
            Column("explanation", "指标解释", max_length=CELL_TEXT, width=36),
        ),
    ),
    template="sz-2020",
    identity=("code",),
    print_order=3,
    list_amounts=("current_amount", "total_amount"),
    parent_unit="top_unit",
    import_required=("code", "name", "department", "top_unit"),
    derived=("top_unit",),
    derive=_top_unit,
    extra_requirements=_long_term_goal_needed,
)
register(KIND, ProjectHeader)
