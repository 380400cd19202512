"""Sign-in throttling (django-axes): wrong passwords lock out the account, and the address they come
from, on the login page and the admin's, until the cool-off period has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.helpers.people import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 3
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def _sign_in(username: str, password: str, *, address: str = "10.0.0.1", path: str = LOGIN, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(path, {"username": username, "password": password, "next": "/"})
    return response, client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _locked_out(response) -> bool:
    return response.status_code == 429 and "暂时无法登录" in response.content.decode()


def test_a_wrong_password_is_refused_with_the_usual_form_below_the_limit(people):
    response, client = _sign_in("owner", "wrong")

    assert response.status_code == 200 and not _signed_in(client)
    assert not _locked_out(response)


def test_an_account_is_locked_after_the_limit_of_wrong_passwords_even_with_the_right_one(people):
    for attempt in range(LIMIT):
        response, _ = _sign_in("owner", f"wrong-{attempt}", address=f"10.0.0.{attempt + 1}")
    assert _locked_out(response)
    page = response.content.decode()
    assert "登录失败的次数过多" in page and "15 分钟后再试" in page

    # From yet another address, with the right password: still refused while the account is locked.
    response, client = _sign_in("owner", TEST_PASSWORD, address="10.0.0.99")
    assert _locked_out(response) and not _signed_in(client)

    # Others sign in as usual.
    response, client = _sign_in("colleague", TEST_PASSWORD, address="10.0.0.99")
    assert response.status_code == 302 and _signed_in(client)


def test_an_address_is_locked_after_the_limit_of_wrong_passwords_for_any_accounts(people):
    for attempt, username in enumerate(["owner", "colleague", "no-such-user"]):
        response, _ = _sign_in(username, f"wrong-{attempt}", address="10.0.0.7")
    assert _locked_out(response)

    response, client = _sign_in("reviewer", TEST_PASSWORD, address="10.0.0.7")
    assert _locked_out(response) and not _signed_in(client)
    response, client = _sign_in("reviewer", TEST_PASSWORD, address="10.0.0.8")
    assert response.status_code == 302 and _signed_in(client)


def test_the_admin_login_is_throttled_too(people):
    User.objects.filter(pk=people.administrator.pk).update(is_staff=True)
    for attempt in range(LIMIT):
        response, _ = _sign_in("administrator", f"wrong-{attempt}", path=ADMIN_LOGIN)
    assert _locked_out(response)

    response, client = _sign_in("administrator", TEST_PASSWORD, address="10.0.0.50", path=ADMIN_LOGIN)
    assert _locked_out(response) and not _signed_in(client)


def test_failures_on_either_page_count_together(people):
    _sign_in("owner", "wrong-1", path=LOGIN)
    _sign_in("owner", "wrong-2", path=ADMIN_LOGIN)
    response, _ = _sign_in("owner", "wrong-3", path=LOGIN)

    assert _locked_out(response)


def test_after_the_cool_off_period_the_right_password_signs_in(people, settings):
    for attempt in range(LIMIT):
        _sign_in("owner", f"wrong-{attempt}")
    assert _locked_out(_sign_in("owner", TEST_PASSWORD)[0])

    # The period passes: the attempts are as old as the cool-off time.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response, client = _sign_in("owner", TEST_PASSWORD)

    assert response.status_code == 302 and _signed_in(client)


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client writes an address of its own before the proxy's; only the proxy's counts.
    for attempt in range(LIMIT):
        response, _ = _sign_in(
            f"user-{attempt}", "wrong", address="172.16.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}, 203.0.113.9"
        )
    assert _locked_out(response)

    # Another person behind the same proxy is not locked out.
    response, client = _sign_in("owner", TEST_PASSWORD, address="172.16.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert response.status_code == 302 and _signed_in(client)


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(people):
    for attempt in range(LIMIT):
        response, _ = _sign_in(f"user-{attempt}", "wrong", address="10.0.0.3", HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}")
    assert _locked_out(response)


def test_a_successful_sign_in_below_the_limit_works_as_before(people):
    _sign_in("owner", "wrong")
    response, client = _sign_in("owner", TEST_PASSWORD)

    assert response.status_code == 302 and _signed_in(client)
