"""A person's decision on which projects a 部门整体 task answers to (see ``projects.reconciliation``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from projects.models.filing import Filing
from projects.models.units import Department


class TaskLink(models.Model):
    """The task named ``task_key`` (its ``match_key``) of the unit's 整体 form for the year answers
    (``linked``) or does not answer (not ``linked``) to ``filing``.

    Kept by the task's name rather than the task row, which an import of the 整体 form recreates,
    so that the decision survives a re-import; the project filing keeps its id when re-imported.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+", verbose_name="预算单位")
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    task_key = models.CharField("年度主要任务", max_length=200)
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="task_links", verbose_name="项目")
    linked = models.BooleanField("对应", default=True, help_text="否：名称相同但不对应")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="操作人"
    )
    created_at = models.DateTimeField("时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "任务与项目的对应"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "task_key", "filing"], name="one_link_per_task_and_filing"
            )
        ]
        indexes = [models.Index(fields=["department", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.task_key} → {self.filing}"
