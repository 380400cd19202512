"""A job and its parts, as the workers and the pages see them.

The queue itself is Django's task framework (``django_tasks``, its database backend by default):
each part of a job is one task. What the queue does not know is kept here: who started the job,
how far it got (forms done of total), whether a worker still works on it (``heartbeat_at``), which
parts are finished (so that a job a killed worker left behind resumes where it was), where its
result is, and the errors per form.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    FINISHING = "finishing", "正在生成文件"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FINISHING)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=300)
    # What makes two requests the same job: while one runs, asking again gives the running one.
    key = models.CharField("去重键", max_length=300)
    params = models.JSONField("参数", default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name="发起人",
        help_text="空：系统发起（如预先生成 PDF）",
    )
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    attempts = models.PositiveSmallIntegerField("重试次数", default=0)
    heartbeat_at = models.DateTimeField("最近进展")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("结果保留至", null=True, blank=True)
    # Set only once the whole result is stored: a half-written file is never named here.
    result_path = models.CharField("结果文件", max_length=300, blank=True)
    result_filename = models.CharField("下载文件名", max_length=300, blank=True)
    result_type = models.CharField("文件类型", max_length=100, blank=True)
    message = models.TextField("结果说明", blank=True)
    errors = models.JSONField("错误", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(status__in=ACTIVE), name="one_active_job_per_key"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="jobs_of_a_user"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_by_status_and_heartbeat"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def links(self) -> list[dict[str, str]]:
        """Pages the finished job's result points to (``url``, ``label``): e.g. the filings an import
        created or updated."""
        outcome = (self.params or {}).get("outcome") or {}
        return list(outcome.get("links") or [])

    @property
    def percent(self) -> int:
        """Of the work done, 100 only once the result is there (the file is still being made at 99)."""
        if self.status == JobStatus.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class JobPart(models.Model):
    """One part of a job (a chunk of forms), one task; ``size`` counts toward the job's progress."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=1)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="one_part_per_index")]

    def __str__(self) -> str:
        return f"{self.job} · {self.index + 1}"
