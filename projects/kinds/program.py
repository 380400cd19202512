"""The 一级项目支出绩效目标申报表: one per 一级 project, which groups 二级 projects."""

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
    Text,
    Unit,
    Wide,
    Year,
    length_limits,
)
from projects.models.filing import Filing, KindManager

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ProgramHeader(models.Model):
    """What the 一级 form has beyond every filing's own fields (name, unit, year)."""

    filing = models.OneToOneField(
        Filing, on_delete=models.CASCADE, primary_key=True, related_name="program_header", verbose_name="申报表"
    )
    total_amount = models.DecimalField("资金总额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    fiscal_amount = models.DecimalField("其中：财政拨款（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    other_amount = models.DecimalField("其他资金（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    filler = models.CharField("填报人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    goal = models.TextField("项目绩效目标", max_length=LONG_TEXT, blank=True)
    history = HistoricalRecords()

    _history_user: User | None
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "一级项目表头"
        constraints = length_limits("program_header", {"goal": LONG_TEXT})

    def __str__(self) -> str:
        return str(self.filing)


class ProgramFiling(Filing):
    """The 一级项目 filings, for their admin pages."""

    objects: ClassVar[KindManager[Any]] = KindManager("program")

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "一级项目"

    def save(self, *args, **kwargs) -> None:
        self.kind = "program"
        super().save(*args, **kwargs)


KIND = FormKind(
    code="program",
    title="一级项目支出绩效目标申报表",
    short_name="一级项目",
    header=(
        HeaderField("fiscal_year", "预算年度", Year(), required=True),
        HeaderField("name", "项目名称", Text(200), required=True, hint="请填写一级项目的名称。"),
        HeaderField("department", "项目单位", Unit(), required=True, hint="请填写项目单位的全称。"),
        HeaderField(
            "total_amount", "资金总额（{unit}）", Amount(), required=True, hint="请填写一级项目本年度的资金总额。"
        ),
        HeaderField("fiscal_amount", "其中：财政拨款", Amount(), spellings=("其中[:：]?财政拨款",)),
        HeaderField("other_amount", "其他资金", Amount(), spellings=("其中[:：]?其他资金",)),
        HeaderField("filler", "填报人", Text(50)),
        HeaderField("phone", "联系电话", Text(50), spellings=("联系方式",)),
        HeaderField("goal", "项目绩效目标", Goals(), required=True, hint="请逐条写明一级项目本年度要达到的绩效目标。"),
    ),
    layout=(
        Row("name", "department"),
        Row("total_amount", "fiscal_amount", "other_amount"),
        Row("filler", "phone"),
        Wide("goal"),
    ),
    indicators=IndicatorTable(
        columns=(
            Column("name", "指标内容", max_length=CELL_TEXT, width=46),
            Column("value", "指标值", width=28),
        ),
        content_only=("测算明细",),
    ),
    template="sz-2020-program",
    identity=("department", "name"),
    year_printed=True,
    print_order=2,
    list_amounts=("total_amount",),
)
register(KIND, ProgramHeader)
