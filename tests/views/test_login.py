import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.helpers.people import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_user_logs_in_lands_on_the_filing_list_and_logs_out(client, people):
    page = client.get(reverse("login"))
    assert "用户名" in page.content.decode() and "密码" in page.content.decode()
    response = client.post(reverse("login"), {"username": "owner", "password": TEST_PASSWORD}, follow=True)
    assert response.resolver_match.url_name == "filing_list"
    assert "王填报" in response.content.decode()
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, people):
    response = client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_a_failed_sign_in_is_logged_and_a_successful_one_is_not(client, people, caplog):
    with caplog.at_level(logging.INFO):
        client.post(reverse("login"), {"username": "owner", "password": "wrong"})
        client.post(reverse("login"), {"username": "owner", "password": TEST_PASSWORD})
    logged = [record for record in caplog.records if record.name.startswith("axes")]
    assert [record.levelname for record in logged] == ["WARNING"]
    assert "login failure" in logged[0].getMessage()
    # The account and address are masked in the log (a password typed as the name stays out of it) and
    # kept with the attempt.
    assert "owner" not in logged[0].getMessage()
    assert AccessAttempt.objects.get().username == "owner"
