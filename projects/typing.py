"""Types the services and selectors share."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

# Whoever sends a request, signed in or not: what ``request.user`` is (AUTH_USER_MODEL is Django's
# User). Reads take it and answer with what it may see, nothing for an anonymous user; writes that
# record who made a change take a ``User``.
AnyUser: TypeAlias = User | AnonymousUser


class SignedInRequest(HttpRequest):
    """A request that passed ``login_required``: its user is a ``User``, which writes need."""

    user: User
