"""Types the services and selectors share."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# Whoever sends a request, signed in or not: what ``request.user`` is (AUTH_USER_MODEL is Django's
# User). Reads take it and answer with what it may see, nothing for an anonymous user; writes that
# record who made a change take a ``User``.
AnyUser: TypeAlias = User | AnonymousUser
