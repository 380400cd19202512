"""Writing notices: the review workflow tells the filers of a unit what became of their filing.

``notices_send`` is called by ``projects.services.review`` for every step of every filing, whichever page,
batch or command took it, inside the step's transaction: a step that fails leaves no notice behind.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from notices import selectors
from notices.models import Notice, NoticeKind
from projects.models import Status, Transition

# The steps that are news to the filers. A submission is not: the reviewers' to-do is 待我审核, whose
# count the navigation shows, and a notice per submission would only repeat it and go stale as soon as
# another reviewer decides.
KIND_OF_STEP = {Status.RETURNED: NoticeKind.RETURNED, Status.APPROVED: NoticeKind.APPROVED}


def _name(user: User | None) -> str:
    if user is None:
        return "审核人"
    return user.get_full_name() or user.username


def notice_message(step: Transition) -> str:
    """What happened, on a first line, and the reviewer's words, on a second."""
    who, title = _name(step.user), step.filing.title
    if step.to_status == Status.RETURNED:
        return f"{who}退回了“{title}”\n退回原因：{step.comment}"
    return f"{who}审核通过了“{title}”" + (f"\n审核意见：{step.comment}" if step.comment else "")


def notices_send(*, step: Transition) -> list[Notice]:
    """One notice for each person to tell about ``step`` (but not the one who took it), in one INSERT."""
    kind = KIND_OF_STEP.get(Status(step.to_status))
    if kind is None:
        return []
    recipients = set(selectors.people_to_notify(step.filing).values_list("pk", flat=True)) - {step.user_id}
    message = notice_message(step)
    return Notice.objects.bulk_create(
        Notice(recipient_id=pk, filing_id=step.filing_id, kind=kind, message=message, created_at=step.at)
        for pk in sorted(recipients)
    )


def notice_read(*, notice: Notice) -> Notice:
    """Marks the notice read, once: opening it again keeps the first time."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_read_all(*, user: User) -> int:
    """Marks every unread notice of the user read; how many there were."""
    return selectors.unread_notices_for(user).update(read_at=timezone.now())
