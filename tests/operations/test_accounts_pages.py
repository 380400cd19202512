"""Signing in, out and changing one's password. There is no password reset: the app sends no mail, so
the pages that would promise one are gone, and the login page says to ask an administrator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse

from tests.helpers.people import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ],
)
def test_the_password_reset_pages_are_not_there(client, path):
    assert client.get(path).status_code == 404


def test_no_page_links_to_a_password_reset(client, people):
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
    with pytest.raises(NoReverseMatch):
        reverse("admin_password_reset")

    login = client.get(reverse("login")).content.decode()
    admin_login = client.get("/admin/login/").content.decode()

    assert "联系管理员" in login
    assert "password_reset" not in login and "password_reset" not in admin_login


def test_a_signed_in_person_changes_their_password(client, people):
    client.force_login(people.owner)
    new_password = "a-new-and-long-password-42"

    page = client.get(reverse("password_change"))
    changed = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert page.status_code == 200 and "修改密码" in page.content.decode()
    assert changed.status_code == 302 and changed.url == reverse("password_change_done")
    assert "密码已修改" in client.get(changed.url).content.decode()
    assert User.objects.get(pk=people.owner.pk).check_password(new_password)


def test_a_wrong_old_password_changes_nothing(client, people):
    client.force_login(people.owner)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-new-and-long-password-42", "new_password2": "x"},
    )

    assert response.status_code == 200
    assert User.objects.get(pk=people.owner.pk).check_password(TEST_PASSWORD)


def test_the_password_change_asks_to_sign_in_first(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_signing_in_and_out(client, people):
    signed_in = client.post(reverse("login"), {"username": "owner", "password": TEST_PASSWORD})
    signed_out = client.post(reverse("logout"))

    assert signed_in.status_code == 302
    assert signed_out.status_code == 302 and "_auth_user_id" not in client.session
