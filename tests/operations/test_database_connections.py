"""A database connection the server ends (a restart, a failover, an administrator) costs no request:
each worker keeps its connection for a while (CONN_MAX_AGE) and checks it before the first query of a
request (CONN_HEALTH_CHECKS), opening a new one if the server closed it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="PostgreSQL ends connections from another session; SQLite has none to end",
    ),
]


def test_the_settings_keep_connections_and_check_them_before_each_request():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


def _terminate_other_connections() -> int:
    """Ends, from this session, every other session on the test database: gunicorn's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_request_after_the_server_ended_the_workers_connection_succeeds(people, gunicorn):
    client = Client()
    client.force_login(people.owner)
    session = client.cookies["sessionid"].value
    server = gunicorn(workers=1)

    assert server.get("/notices/", session=session).status == 200
    for _ in range(3):
        assert _terminate_other_connections() >= 1  # the worker kept its connection between requests
        response = server.get("/notices/", session=session)
        assert response.status == 200, response.body.decode(errors="replace")[-2000:]
