"""The reverse proxy of the deployment (deploy/Caddyfile, docker-compose.yml's ``proxy``) in front of
gunicorn, as it runs: nobody is told which server answers, what a client writes into X-Forwarded-For
does not get round sign-in throttling, and an upload far over the limit stops at the proxy."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.helpers.workbooks import make_filer
from tests.operations.processes import MARK, Gunicorn, Listening, free_port, wait_until

# Transactional (gunicorn and the proxy answer from other processes), and leaving the database as the
# transactional tests after it expect it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CADDYFILE = Path(settings.BASE_DIR) / "deploy" / "Caddyfile"
LOGIN = "/accounts/login/"
FAILURE_LIMIT = 3
BEHIND_ONE_PROXY = {"BUDGETPERF_TRUSTED_PROXIES": "1", "BUDGETPERF_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT)}


def _caddy() -> str:
    """Debian's caddy, unpacked under var/ by ``./dev`` (or one on the PATH)."""
    unpacked = Path(settings.BASE_DIR) / "var" / "bin" / "caddy"
    found = str(unpacked) if unpacked.exists() else shutil.which("caddy")
    assert found, "caddy is missing: ./dev test unpacks Debian's package into var/bin"
    return found


@pytest.fixture
def proxy_in_front(gunicorn, process_mark, tmp_path) -> Iterator[Callable[[Gunicorn], Listening]]:
    """Starts the deployment's proxy, with the Caddyfile as it is, on a free port in front of a gunicorn."""
    started: list[subprocess.Popen] = []

    def start(upstream: Gunicorn, *, max_body: str = "64MB") -> Listening:
        port = free_port()
        log = tmp_path / f"caddy-{port}.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [_caddy(), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                env={
                    "PATH": os.environ.get("PATH", ""),
                    "HOME": str(tmp_path),
                    "XDG_CONFIG_HOME": str(tmp_path / "config"),
                    "XDG_DATA_HOME": str(tmp_path / "data"),
                    MARK: process_mark,
                    # Plain HTTP on the loopback address: the file's HTTPS is for a real address.
                    "BUDGETPERF_SITE_ADDRESS": f"http://127.0.0.1:{port}",
                    "BUDGETPERF_UPSTREAM": f"127.0.0.1:{upstream.port}",
                    "BUDGETPERF_PROXY_MAX_BODY": max_body,
                },
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
        started.append(process)
        proxy = Listening(port)

        def answers() -> bool:
            assert process.poll() is None, "caddy stopped: " + log.read_text(errors="replace")[-3000:]
            try:
                return proxy.get(LOGIN, timeout=5).status == 200
            except OSError:
                return False

        wait_until(answers, timeout=30, what="the proxy passes on the login page")
        return proxy

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_no_response_through_the_proxy_says_which_server_answered(gunicorn, proxy_in_front):
    server = gunicorn(workers=1)
    proxy = proxy_in_front(server)

    # gunicorn always names itself; that is why the deployment puts the proxy in front.
    assert server.get(LOGIN).headers["Server"] == "gunicorn"
    answers = {
        "login page": proxy.get(LOGIN),
        "static file": proxy.get("/static/js/actions.js"),
        "redirect to sign in": proxy.get("/"),
        "not found": proxy.get("/no-such-page/"),
        "form without its token": proxy.request(
            "POST", LOGIN, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="username=x&password=y"
        ),
    }
    assert {name: answer.status for name, answer in answers.items()} == {
        "login page": 200,
        "static file": 200,
        "redirect to sign in": 302,
        "not found": 404,
        "form without its token": 403,
    }
    for name, answer in answers.items():
        assert answer.headers.get_all("Server") is None, name
    # What the application says about itself passes through unchanged.
    assert "default-src 'self'" in answers["login page"].headers["Content-Security-Policy"]
    assert "no-store" in answers["login page"].headers["Cache-Control"]


def _wrong_password(listening: Listening, *, username: str, claimed_address: str) -> int:
    return listening.post(
        LOGIN,
        {"username": username, "password": "not-the-password", "next": "/"},
        session="",
        headers={"X-Forwarded-For": claimed_address},
    ).status


def test_an_address_written_into_x_forwarded_for_by_the_client_does_not_escape_the_lockout(gunicorn, proxy_in_front):
    proxy = proxy_in_front(gunicorn(workers=1, settings_from_environment=BEHIND_ONE_PROXY))

    statuses = [
        _wrong_password(proxy, username=f"guess{attempt}", claimed_address=f"10.9.9.{attempt}")
        for attempt in range(FAILURE_LIMIT + 1)
    ]

    # The proxy writes the address it was reached from (127.0.0.1): every guess counts against it, and
    # the one that reaches the limit is refused.
    assert statuses == [200] * (FAILURE_LIMIT - 1) + [429, 429]


def test_without_the_proxy_the_same_guesses_would_each_come_from_a_new_address(gunicorn):
    """The setting trusts one proxy: straight to gunicorn, the client's own header is believed. This
    is why the web service is reachable only through the proxy (docker-compose.yml publishes no port
    of its own)."""
    server = gunicorn(workers=1, settings_from_environment=BEHIND_ONE_PROXY)

    statuses = [
        _wrong_password(server, username=f"guess{attempt}", claimed_address=f"10.9.9.{attempt}")
        for attempt in range(FAILURE_LIMIT + 1)
    ]

    assert statuses == [200] * (FAILURE_LIMIT + 1)


def _upload(listening: Listening, *, session: str, megabytes: int) -> tuple[int, dict[str, str], str]:
    """A workbook of that size posted to the Excel page, as a browser does: the whole body is offered,
    and the answer read even if the other side stopped reading before the end."""
    token, boundary = secrets.token_hex(16), secrets.token_hex(16)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="big.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + megabytes * 1024 * 1024 + len(tail)
    with socket.create_connection(("127.0.0.1", listening.port), timeout=60) as connection:
        connection.sendall(
            (
                f"POST {reverse('projects:workbook_upload')} HTTP/1.1\r\nHost: 127.0.0.1:{listening.port}\r\n"
                f"Cookie: sessionid={session}; csrftoken={token}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
            ).encode()
            + head
        )
        with contextlib.suppress(OSError):
            block = b"PK" * (512 * 1024)
            for _ in range(megabytes):
                connection.sendall(block)
            connection.sendall(tail)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return response.status, dict(response.headers), response.read().decode()


def test_an_upload_over_the_limit_gets_the_applications_message_and_one_far_over_it_stops_at_the_proxy(
    people, gunicorn, proxy_in_front
):
    # Both limits made small, in the same proportion as the defaults (10 MB, 64 MB), to send less.
    server = gunicorn(workers=1, settings_from_environment={"DJANGO_UPLOAD_MAX_BYTES": str(1024 * 1024)})
    proxy = proxy_in_front(server, max_body="6MB")
    client = Client()
    client.force_login(make_filer(people.unit_a))
    session = client.cookies["sessionid"].value

    status, headers, page = _upload(proxy, session=session, megabytes=2)
    assert status == 400 and "文件大小超过上限 1 MB" in page
    assert "Server" not in headers

    status, headers, page = _upload(proxy, session=session, megabytes=8)
    assert status >= 400 and "系统暂时无法处理这个请求" in page
    assert "Server" not in headers


def test_while_the_web_service_is_down_the_proxy_answers_in_chinese_without_naming_itself(gunicorn, proxy_in_front):
    server = gunicorn(workers=1)
    proxy = proxy_in_front(server)
    server.process.terminate()
    server.process.wait(timeout=30)

    answer = proxy.get(LOGIN)

    assert answer.status == 502
    assert answer.body.decode() == "系统暂时无法处理这个请求（502），请稍后再试。"
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert answer.headers.get_all("Server") is None
