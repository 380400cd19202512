"""The 部门（单位）整体支出绩效目标表: one per unit and year, with its main tasks and their budgets."""

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
    Column,
    FormKind,
    Goals,
    HeaderField,
    IndicatorTable,
    Row,
    TaskTable,
    Unit,
    Wide,
    Year,
    length_limits,
)
from projects.models.filing import Filing, KindManager
from projects.models.units import Department

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class OverallHeader(models.Model):
    """What the 部门整体 form has beyond every filing's own fields (unit, year): the 主管部门, the
    年度总体目标 and the 合计 row of its tasks as the form printed it."""

    filing = models.OneToOneField(
        Filing, on_delete=models.CASCADE, primary_key=True, related_name="overall_header", verbose_name="申报表"
    )
    competent_unit = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="主管部门"
    )
    goals = models.TextField("年度总体目标", max_length=LONG_TEXT, blank=True, help_text="每个目标一段：目标 1：……")
    total_amount = models.DecimalField("合计：总额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fiscal_amount = models.DecimalField(
        "合计：其中财政拨款（元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    other_amount = models.DecimalField(
        "合计：其中其他资金（元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    # The decimals the form printed its amounts with (大鹏 2021: whole 万元); the tasks are compared
    # with the projects at that precision. Blank when typed on the page: to the cent.
    amount_places = models.PositiveSmallIntegerField("金额小数位数", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    _history_user: User | None
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "部门整体表头"
        constraints = length_limits("overall_header", {"goals": LONG_TEXT})

    def __str__(self) -> str:
        return str(self.filing)


class OverallTask(models.Model):
    """One row of the 年度主要任务 table. Amounts in 元, like every amount."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="tasks", verbose_name="申报表")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("任务名称", max_length=200, blank=True)
    content = models.TextField("主要内容", max_length=CELL_TEXT, blank=True)
    total_amount = models.DecimalField("总额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fiscal_amount = models.DecimalField("其中：财政拨款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    other_amount = models.DecimalField("其中：其他资金（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    source_line = models.PositiveIntegerField("来源行号", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["source_line"])

    _history_user: User | None
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "年度主要任务"
        ordering = ["filing_id", "position", "pk"]
        constraints = length_limits("overall_task", {"content": CELL_TEXT})

    def __str__(self) -> str:
        return self.name


class OverallFiling(Filing):
    """The 部门整体 filings, for their admin pages."""

    objects: ClassVar[KindManager[Any]] = KindManager("overall")

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "部门整体"

    def save(self, *args, **kwargs) -> None:
        self.kind = "overall"
        super().save(*args, **kwargs)


KIND = FormKind(
    code="overall",
    title="部门（单位）整体支出绩效目标表",
    short_name="部门整体",
    title_spellings=("部门整体支出绩效目标表", "单位整体支出绩效目标表"),
    header=(
        HeaderField("fiscal_year", "预算年度", Year(), required=True),
        HeaderField(
            "department",
            "部门（单位）名称",
            Unit(),
            spellings=("部门名称", "单位名称", "部门（单位）"),
            required=True,
            hint="请填写部门（单位）的全称。",
        ),
        HeaderField("competent_unit", "主管部门", Unit(), required=True, hint="请填写主管部门的全称。"),
        HeaderField("goals", "年度总体目标", Goals(), required=True, hint="请逐条写明本年度的总体目标（目标 1：……）。"),
        HeaderField("total_amount", "合计：总额", Amount()),
        HeaderField("fiscal_amount", "合计：其中财政拨款", Amount()),
        HeaderField("other_amount", "合计：其中其他资金", Amount()),
    ),
    layout=(
        Row("department", "competent_unit"),
        Wide("goals"),
    ),
    indicators=IndicatorTable(
        columns=(
            Column("name", "三级指标", width=40),
            Column("value", "目标值", width=34),
        ),
        title="年度绩效指标",
    ),
    tasks=TaskTable(
        places="amount_places",
        columns=(
            Column("name", "任务名称", width=16),
            Column("content", "主要内容", required=False, max_length=CELL_TEXT, width=42),
            Column("total_amount", "总额", amount=True, width=14),
            Column("fiscal_amount", "其中：财政拨款", required=False, amount=True, width=14),
            Column("other_amount", "其中：其他资金", required=False, amount=True, width=14),
        ),
        totals=("total_amount", "fiscal_amount", "other_amount"),
    ),
    template="sz-2020-overall",
    identity=("department",),
    year_printed=True,
    print_order=1,
    list_amounts=("total_amount",),
    parent_unit="competent_unit",
)
register(KIND, OverallHeader)
