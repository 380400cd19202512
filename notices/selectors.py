"""Reads of notices, each scoped to the user they were written to, and who is told about a filing."""

from django.contrib.auth.models import User
from django.db.models import Case, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from notices.models import Notice
from projects import selectors as projects_selectors
from projects.models import Filing, Role, Status, Transition
from projects.typing import AnyUser


def notices_for(user: AnyUser) -> QuerySet[Notice]:
    """The user's own notices, unread first, then newest first; none for an anonymous user."""
    if not user.is_authenticated:
        return Notice.objects.none()
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
    return Notice.objects.filter(recipient=user).order_by(unread_first, "-created_at", "-pk")


def unread_notices_for(user: AnyUser) -> QuerySet[Notice]:
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=user, read_at__isnull=True)


def notice_for(user: AnyUser, pk: int) -> Notice:
    """The user's notice; 404 for anyone else's, whether it exists or not."""
    notice = notices_for(user).filter(pk=pk).first()
    if notice is None:
        raise Http404("没有找到该通知")
    return notice


def people_to_notify(filing: Filing) -> QuerySet[User]:
    """Who hears that ``filing`` was returned or approved: the 填报人 of its unit and whoever submitted it.

    A 填报人 assignment covers the unit and the units directly under it (``projects.selectors.departments_for``),
    so the filers of the filing's unit are those assigned to it or to its parent. 管理员 see every unit
    but are told only about what they submitted themselves: they would otherwise hear of every filing.
    """
    filers = projects_selectors.people_holding(Role.FILER, filing.department_id).values("pk")
    last_submission = (
        Transition.objects.filter(filing=filing, to_status=Status.SUBMITTED).order_by("-at", "-pk").values("user")[:1]
    )
    return User.objects.filter(Q(pk__in=filers) | Q(pk=Subquery(last_submission)), is_active=True)
