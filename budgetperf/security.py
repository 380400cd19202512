"""What the settings plug in for signing in and for responses: the address a login is counted
against, the page a locked-out person sees, the authentication backend that counts, and pages of
signed-in people kept out of caches."""

from __future__ import annotations

from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def client_ip(request: HttpRequest) -> str:
    """The address of the person signing in: the connection's, or behind ``TRUSTED_PROXY_COUNT``
    reverse proxies that each append the address they were reached from to X-Forwarded-For, the one
    the nearest of them was reached from (what a client writes into the header itself comes before
    it and is not trusted)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page shown instead of signing in while an account or an address is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check of locked-out accounts and addresses, for sign-ins made through a web
    request (the login page, the admin's). One without a request (a management command, a script)
    has no address to count and is not throttled; axes itself would refuse it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class NoStoreForSignedInMiddleware:
    """Pages and downloads for a signed-in person hold what only they may see: no cache, in the
    browser or between, keeps them (``Cache-Control: no-store, private``). Static files are served
    before this by WhiteNoise and keep their long caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
