"""Processes of the tests of faults, found in /proc by a mark in their environment (which every
process they start inherits), and gunicorn as the tests run it (``conftest.py``) and talk to it."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

MARK = "BUDGETPERF_PROCESS_MARK"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def processes_marked(mark: str) -> set[int]:
    """Every live process whose environment holds ``MARK=mark``."""
    needle = f"{MARK}={mark}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or a kernel thread
            continue
        if needle in environment.split(b"\0") and not _is_zombie(int(entry.name)):
            found.add(int(entry.name))
    return found


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _stat(int(entry.name)).get("ppid") == pid and not _is_zombie(int(entry.name)):
            found.add(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    found, queue = set(), [pid]
    while queue:
        for child in children(queue.pop()):
            if child not in found:
                found.add(child)
                queue.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    stat = _stat(pid)
    return (stat.get("utime", 0) + stat.get("stime", 0)) / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    return bool(_stat(pid)) and not _is_zombie(pid)


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def _stat(pid: int) -> dict[str, int]:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return {}
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (command name)"
    return {"state": ord(fields[0][0]), "ppid": int(fields[1]), "utime": int(fields[11]), "stime": int(fields[12])}


def _is_zombie(pid: int) -> bool:
    return _stat(pid).get("state") == ord("Z")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookies(self) -> str:
        """The cookies it sets, as a Cookie header sends them back (e.g. the messages for the next page)."""
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return "; ".join(f"{name}={morsel.coded_value}" for name, morsel in jar.items())


@dataclass
class Listening:
    """A server on a port, asked as a browser would: over HTTPS when it has a certificate authority
    to check its certificate against."""

    port: int
    host: str = "127.0.0.1"
    certificate_authority: Path | None = None

    def connection(self, *, timeout: float = 30, source: str = "") -> http.client.HTTPConnection:
        """A connection, from the local address ``source`` when given (127.0.0.2, say)."""
        source_address = (source, 0) if source else None
        if self.certificate_authority is None:
            return http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=source_address)
        context = ssl.create_default_context(cafile=str(self.certificate_authority))
        return http.client.HTTPSConnection(
            self.host, self.port, timeout=timeout, source_address=source_address, context=context
        )

    @property
    def origin(self) -> str:
        """What a browser sends as Origin with a form posted to a page of this server."""
        return f"{'http' if self.certificate_authority is None else 'https'}://{self.host}:{self.port}"

    def get(self, path: str, *, session: str = "", cookies: str = "", timeout: float = 30) -> Response:
        cookie = "; ".join(part for part in (f"sessionid={session}" if session else "", cookies) if part)
        return self.request("GET", path, headers={"Cookie": cookie} if cookie else {}, timeout=timeout)

    def post(
        self,
        path: str,
        fields: dict[str, str],
        *,
        session: str,
        timeout: float = 30,
        headers: dict[str, str] | None = None,
        source: str = "",
    ) -> Response:
        """A form posted as a browser would, with a CSRF token in its cookie and in the form."""
        token = secrets.token_hex(16)
        return self.request(
            "POST",
            path,
            body=urlencode({**fields, "csrfmiddlewaretoken": token}),
            headers={
                **self._form_headers(session=session, csrf_token=token),
                "Content-Type": "application/x-www-form-urlencoded",
                **(headers or {}),
            },
            timeout=timeout,
            source=source,
        )

    def begin_post(
        self, path: str, *, content_type: str, length: int, csrf_token: str, session: str = "", timeout: float = 30
    ) -> http.client.HTTPConnection:
        """A form post begun as a browser begins one, its ``length`` bytes of body left for the caller
        to ``send``: slowly, or not all of them."""
        connection = self.connection(timeout=timeout)
        connection.putrequest("POST", path)
        headers = {
            **self._form_headers(session=session, csrf_token=csrf_token),
            "Content-Type": content_type,
            "Content-Length": str(length),
        }
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection

    def _form_headers(self, *, session: str, csrf_token: str) -> dict[str, str]:
        """What a browser sends with a form of this site: its session and CSRF cookies, and its Origin."""
        return {"Cookie": f"sessionid={session}; csrftoken={csrf_token}", "Origin": self.origin}

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str],
        timeout: float = 30,
        body: str | bytes = "",
        source: str = "",
    ) -> Response:
        connection = self.connection(timeout=timeout, source=source)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()


@dataclass(kw_only=True)
class Gunicorn(Listening):
    process: subprocess.Popen
    mark: str

    @property
    def master(self) -> int:
        return self.process.pid

    def workers(self) -> set[int]:
        return children(self.master)

    def leftovers(self) -> set[int]:
        """Processes started by this gunicorn other than its master and the master's own workers."""
        return processes_marked(self.mark) - {self.master} - self.workers()
