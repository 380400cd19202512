"""A reviewer who does not file lands on 待我审核; everyone who files lands on the filing list."""

import pytest
from django.urls import reverse

from projects.models import Role
from projects.services.accounts import assignment_grant
from tests.helpers.people import TEST_PASSWORD

pytestmark = pytest.mark.django_db

QUEUE = reverse("projects:review_queue")


def _landing(client, username) -> str:
    response = client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD}, follow=True)
    return response.resolver_match.url_name


def test_a_reviewer_lands_on_the_review_queue_after_signing_in(client, people):
    assert _landing(client, "reviewer") == "review_queue"


@pytest.mark.parametrize("username", ["owner", "administrator", "outsider"])
def test_filers_administrators_and_others_land_on_the_filing_list(client, people, username):
    assert _landing(client, username) == "filing_list"


def test_someone_who_files_and_reviews_lands_on_the_filing_list(client, people):
    assignment_grant(user=people.reviewer, department=people.unit_b, role=Role.FILER)
    assert _landing(client, "reviewer") == "filing_list"


def test_opening_the_site_root_sends_a_reviewer_to_the_queue_but_the_list_stays_reachable(client, people):
    client.force_login(people.reviewer)
    assert client.get("/").url == QUEUE
    html = client.get(QUEUE).content.decode()
    assert f'href="{reverse("projects:filing_list")}?kind=project"' in html
    assert client.get("/?kind=project").status_code == 200
    assert client.get("/?page=2").status_code == 200


def test_a_sign_in_with_a_next_page_goes_there(client, people):
    url = reverse("login") + "?next=" + reverse("checks:report")
    response = client.post(url, {"username": "reviewer", "password": TEST_PASSWORD, "next": reverse("checks:report")})
    assert response.url == reverse("checks:report")
