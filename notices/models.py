"""In-app notices: a filing of the user's unit was returned or approved."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class NoticeKind(models.TextChoices):
    # The same values as the filing states they announce, so pages reuse the ``status-*`` badges.
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"


class Notice(models.Model):
    """One message to one user about one step of a filing's review; read when the user opens it."""

    # The indexes below lead with the recipient, so the foreign key needs no index of its own.
    recipient = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="notices", db_index=False, verbose_name="接收人"
    )
    filing = models.ForeignKey(
        "projects.Filing", on_delete=models.CASCADE, related_name="notices", verbose_name="申报表"
    )
    kind = models.CharField("类型", max_length=10, choices=NoticeKind.choices)
    # Written once, with the filing's title and the reviewer's name as they were: a later rename does
    # not rewrite what the user was told.
    message = models.TextField("内容")
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A user's notices, newest first (the list page).
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_recent"),
            # A user's unread ones: the count in the navigation on every page, and the top of the list.
            models.Index(fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True), name="notice_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.get_kind_display()} · {self.filing_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def headline(self) -> str:
        """What happened: the message's first line."""
        return self.message.partition("\n")[0]

    @property
    def details(self) -> str:
        """The reviewer's words (退回原因, 审核意见), on the lines after it."""
        return self.message.partition("\n")[2]
