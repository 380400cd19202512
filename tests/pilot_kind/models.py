"""The 试点项目支出绩效目标表, a kind of form for the tests: its header adds 项目联络人 to what the
一级 form has, and nothing outside this module and its migration knows about it."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from projects.kinds import register
from projects.kinds.base import (
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
)
from projects.models import Filing


class PilotHeader(models.Model):
    filing = models.OneToOneField(
        Filing, on_delete=models.CASCADE, primary_key=True, related_name="pilot_header", verbose_name="申报表"
    )
    total_amount = models.DecimalField("资金总额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    goal = models.TextField("项目绩效目标", blank=True)
    liaison = models.CharField("项目联络人", max_length=50, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return str(self.filing)


KIND = FormKind(
    code="pilot",
    title="试点项目支出绩效目标表",
    short_name="试点项目",
    header=(
        HeaderField("fiscal_year", "预算年度", Year(), required=True),
        HeaderField("name", "项目名称", Text(200), required=True),
        HeaderField("department", "项目单位", Unit(), required=True),
        HeaderField("total_amount", "资金总额（{unit}）", Amount(), required=True),
        HeaderField("liaison", "项目联络人", Text(50), required=True, spellings=("联络人",)),
        HeaderField("goal", "项目绩效目标", Goals(), required=True),
    ),
    layout=(Row("name", "department"), Row("total_amount", "liaison"), Wide("goal")),
    indicators=IndicatorTable(columns=(Column("name", "三级指标", width=46), Column("value", "指标值", width=28))),
    template="pilot-2020",
    identity=("department", "name"),
    year_printed=True,
    print_order=4,
    list_amounts=("total_amount",),
)
register(KIND, PilotHeader)
