"""What every write path shares: the rules a change to a filing obeys, in one place each.

The filing page, the workbook and text imports, the admin's forms and its list imports all change
filings through these: who may file for a unit (``selectors.may_file_for``), which states may change
(``Filing.is_editable``), the version check that lets exactly one of two concurrent writers win
(``claim_version``), where each header field is stored (``assign_header``) and how a change is
recorded in the history (``save_filing``, ``delete_with_history``: every record of one change carries
the same user and time, so the history shows it as one entry).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, router, transaction
from django.db.models import F, Q
from django.db.models.deletion import Collector
from django.utils import timezone

from projects.kinds import header_model
from projects.kinds.base import FormKind
from projects.kinds.layouts import is_extra
from projects.models import EDITABLE_STATUSES, FILING_FIELDS, Filing, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class FilingError(Exception):
    """A change that was refused; the message says why, in Chinese. Nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleFilingError(FilingError):
    """Someone else saved the filing after this change was prepared."""

    def __init__(self, message: str, current_version: int):
        super().__init__(message)
        self.current_version = current_version


def new_header(filing: Filing) -> Any:
    """An empty header row of the filing's kind, for a filing being created."""
    return header_model(filing.kind)(filing=filing)


def assign_header(kind: FormKind, filing: Filing, header: Any, values: Mapping[str, Any]) -> None:
    """Sets each given header field where the kind stores it, then the fields that follow from them."""
    for name, value in values.items():
        if is_extra(name) and kind.has_field(name):
            # A field the filing's layout adds: kept under its label (``Filing.extra_fields``).
            filing.extra_fields = {**filing.extra_fields, kind.field(name).label: value or ""}
            continue
        if not kind.has_field(name) and name not in FILING_FIELDS and not (kind.tasks and name == kind.tasks.places):
            continue
        setattr(filing if name in FILING_FIELDS else header, name, value)
    if kind.derive is not None:

        def read(name: str) -> Any:
            return getattr(filing if name in FILING_FIELDS else header, name, None)

        for name, value in kind.derive(read).items():
            setattr(filing if name in FILING_FIELDS else header, name, value)


def stamp(objects: Iterable[models.Model], *, user: User | None, when: datetime) -> None:
    """Names the user and time the history records of these objects' next save or deletion carry."""
    for obj in objects:
        obj._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
        obj._history_date = when  # type: ignore[attr-defined]


def identity_taken_message(filing: Filing) -> str:
    if filing.code:
        return f"预算年度 {filing.fiscal_year} 已有项目编码为 {filing.code} 的项目，请核对项目编码"
    kind = filing.form_kind
    return f"预算年度 {filing.fiscal_year} 该单位已有{kind.short_name}“{filing.name or kind.title}”，请核对"


def save_filing(filing: Filing, header: Any, *, user: User | None, when: datetime) -> None:
    """Saves the filing and its header row, each with a history record of ``user`` at ``when``."""
    stamp([filing, header], user=user, when=when)
    try:
        with transaction.atomic():
            filing.save()
            header.filing = filing
            header.save()
    except IntegrityError as error:
        raise FilingError(identity_taken_message(filing)) from error


def claim_version(*, filing: Filing, version: int) -> None:
    """Bumps the filing's version if it is still ``version`` and editable; one statement, so of two
    concurrent writers exactly one wins. The loser gets a StaleFilingError saying who saved when."""
    claimed = Filing.objects.filter(pk=filing.pk, version=version, status__in=list(EDITABLE_STATUSES)).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        current = Filing.objects.filter(pk=filing.pk).values_list("status", flat=True).first()
        if current not in EDITABLE_STATUSES:
            label = Status(current).label if current else "已删除"
            raise FilingError(f"申报表当前状态为“{label}”，不能修改")
        message, current_version = _stale_message(filing)
        raise StaleFilingError(message, current_version)
    filing.version = version + 1


class _Unclaimed(Exception):
    """Some filing of a claim had moved on: undo the others."""


def claim_versions(*, versions: Mapping[int, int]) -> None:
    """``claim_version`` for every filing a write changes at once (an import), ``versions`` by filing id:
    one statement for all of them, all or none. Raises a FilingError naming each filing that someone
    else saved, submitted or deleted since its version was read; nothing is claimed then."""
    if not versions:
        return
    condition = Q()
    for pk, version in versions.items():
        condition |= Q(pk=pk, version=version)
    try:
        with transaction.atomic():
            claimed = Filing.objects.filter(condition, status__in=list(EDITABLE_STATUSES)).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
            if claimed != len(versions):
                raise _Unclaimed
    except _Unclaimed:
        raise FilingError(_moved_on_message(versions)) from None


def _moved_on_message(versions: Mapping[int, int]) -> str:
    current = {f.pk: f for f in Filing.objects.filter(pk__in=list(versions)).select_related("department")}
    reasons = []
    for pk, version in versions.items():
        filing = current.get(pk)
        if filing is None:
            reasons.append(f"编号 {pk} 的申报表已被删除")
        elif not filing.is_editable:
            reasons.append(f"{filing.title} 当前状态为“{filing.get_status_display()}”，不能修改")
        elif filing.version != version:
            reasons.append(f"{filing.title} 已由{last_saved_by(filing) or '他人'}保存（现为第 {filing.version} 版）")
    listed = "；".join(reasons[:10]) + ("等" if len(reasons) > 10 else "")
    return f"在读取之后，以下申报表已被他人修改，本次没有写入任何数据，请核对后重新导入：{listed}"


def last_saved_by(filing: Filing) -> str:
    """Who saved the filing last and when: ``王填报于2024-05-01 10:00``; blank if no record says."""
    latest = Filing.history.filter(id=filing.pk).select_related("history_user").order_by("-history_date").first()
    if latest is None:
        return ""
    user = latest.history_user
    name = (user.get_full_name() or user.username) if user is not None else "他人"
    return f"{name}于{timezone.localtime(latest.history_date):%Y-%m-%d %H:%M}"


def _stale_message(filing: Filing) -> tuple[str, int]:
    current = Filing.objects.values_list("version", flat=True).get(pk=filing.pk)
    who = last_saved_by(filing)
    message = (
        f"保存失败：在您打开本页之后，{who or '他人'}已保存了该申报表（现为第 {current} 版）。"
        "您的修改没有保存，仍保留在本页；请在新窗口查看最新版本，核对后再保存。"
    )
    return message, current


def record_filing(filing: Filing, *, user: User | None, when: datetime) -> None:
    """A history record of the filing as it stands, for a change made to its rows alone (whose claim
    moved its version): the history shows the rows' records and this one as one change."""
    stamp([filing], user=user, when=when)
    Filing.history.bulk_history_create([filing], update=True, default_user=user, default_date=when)


def delete_with_history(rows: list[Any], *, user: User | None, when: datetime) -> None:
    """Deletes the rows in one statement; the history record of each names ``user`` and ``when``, so
    that the history shows the deletion with the rest of the change."""
    if not rows:
        return
    stamp(rows, user=user, when=when)
    # The collector sends the deletion signals for these very objects, which carry user and time;
    # a queryset's delete() would load fresh ones.
    collector = Collector(using=router.db_for_write(type(rows[0])))
    collector.collect(rows)
    collector.delete()
