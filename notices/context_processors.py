"""The two counts the navigation shows on every page: filings waiting in 待我审核, and unread notices."""

from functools import cached_property

from django.http import HttpRequest

from notices import selectors
from projects import selectors as filing_selectors
from projects.typing import AnyUser


class NavCounts:
    """Each count is one COUNT query, run when a page first shows it and never for an anonymous user.

    The navigation shows the queue's count only to reviewers, after the menu has read the user's roles
    (which also settles whether the user is a 管理员), so a page pays at most two queries for both.
    """

    def __init__(self, user: AnyUser):
        self.user = user

    @cached_property
    def review_queue(self) -> int:
        if not self.user.is_authenticated:
            return 0
        return filing_selectors.review_queue_for(self.user).count()

    @cached_property
    def unread_notices(self) -> int:
        if not self.user.is_authenticated:
            return 0
        return selectors.unread_notices_for(self.user).count()


def nav_counts(request: HttpRequest) -> dict[str, NavCounts]:
    return {"nav_counts": NavCounts(request.user)}
