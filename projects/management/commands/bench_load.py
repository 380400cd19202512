"""The list and project pages under load: gunicorn as the compose file runs it, and many signed-in
clients at once on loopback, driven by wrk; prints the latency percentiles and the errors."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from django.urls import reverse

from jobs.workers import database_url
from projects.models import Role
from projects.selectors import filings_for

MAX_CLIENTS = 128
MAX_SECONDS = 300
# The pages each client asks for in turn: the list (as it opens, a year, a search) and project pages.
LIST_QUERIES = [
    "?kind=project",
    "?kind=project&page=2",
    "?kind=project&q=" + quote("服务"),
    "?kind=project&sort=-current_amount",
]
PROJECTS_PER_CLIENT = 20

WRK_SCRIPT = """
-- Each request: the next client's session and one of its pages, in turn.
local clients = {CLIENTS}
local counter, statuses = 0, {}
request = function()
  counter = counter + 1
  local client = clients[(counter % #clients) + 1]
  local path = client.paths[(math.floor(counter / #clients) % #client.paths) + 1]
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. client.session, ["Host"] = "127.0.0.1"})
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then
    wrk.thread:set("errors", (wrk.thread:get("errors") or 0) + 1)
    wrk.thread:set("last_status", status)
  end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local errors, last = 0, "-"
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("errors") or 0)
    last = thread:get("last_status") or last
  end
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f p50=%.1f p95=%.1f p99=%.1f max=%.1f non200=%d status=%s socket=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, last,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


class Command(BaseCommand):
    help = (
        "用 gunicorn（与 docker-compose.yml 相同的 gunicorn.conf.py）在 127.0.0.1 上启动本应用，"
        "以 wrk 模拟多个已登录用户同时打开申报表列表和项目页面，打印响应时间的中位数、95、99 分位数和出错次数。"
        f"客户端不超过 {MAX_CLIENTS} 个，时长不超过 {MAX_SECONDS} 秒；需要 wrk（Debian 包 wrk）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=32, help="同时在线的已登录用户数（默认 32）")
        parser.add_argument("--seconds", type=int, default=60, help="持续时间（秒，默认 60）")
        parser.add_argument(
            "--workers", type=int, default=None, help="gunicorn 工作进程数（默认同 WEB_CONCURRENCY，即 2）"
        )

    def handle(self, *args, clients: int, seconds: int, workers: int | None, **options) -> None:
        if not 1 <= clients <= MAX_CLIENTS:
            raise CommandError(f"--clients 应在 1 到 {MAX_CLIENTS} 之间")
        if not 1 <= seconds <= MAX_SECONDS:
            raise CommandError(f"--seconds 应在 1 到 {MAX_SECONDS} 之间")
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("没有找到 wrk：请先安装（apt-get install wrk）")
        sessions = _sessions(clients)
        workers = workers or int(os.environ.get("WEB_CONCURRENCY", "2"))
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "load.lua"
            script.write_text(WRK_SCRIPT.replace("{CLIENTS}", _lua_clients(sessions)), encoding="utf-8")
            port = _free_port()
            server = _start_gunicorn(port, workers, Path(folder))
            try:
                _warm_up(port, sessions, workers)
                run = subprocess.run(
                    [wrk, "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
                    + [f"http://127.0.0.1:{port}/"],
                    capture_output=True,
                    text=True,
                    timeout=seconds + 60,
                    check=False,
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
        found = re.search(r"^RESULT (.*)$", run.stdout, flags=re.M)
        if run.returncode != 0 or found is None:
            raise CommandError(f"wrk 未能完成：{run.stderr.strip() or run.stdout.strip()}")
        figures = dict(pair.split("=") for pair in found.group(1).split())
        self.stdout.write(
            f"{clients} 个已登录用户，{workers} 个 gunicorn 工作进程，{figures['seconds']} s："
            f"{figures['requests']} 次请求（{int(figures['requests']) / float(figures['seconds']):.1f} 次/秒）\n"
            f"响应时间 p50 {figures['p50']} ms，p95 {figures['p95']} ms，p99 {figures['p99']} ms，"
            f"最长 {figures['max']} ms；非 200 响应 {figures['non200']} 次（最后一次为 {figures['status']}），"
            f"连接错误 {figures['socket']} 次"
        )


def _sessions(count: int) -> list[tuple[str, list[str]]]:
    """Signed-in sessions of people who file or review, each with the pages it asks for."""
    people = list(
        User.objects.filter(assignments__role__in=[Role.FILER, Role.REVIEWER], is_active=True)
        .distinct()
        .order_by("pk")[:count]
    )
    if not people:
        raise CommandError("数据库中没有填报人或审核人账号：请先运行 load_demo 或 generate_city")
    sessions = []
    for index in range(count):
        person = people[index % len(people)]
        client = Client()
        client.force_login(person)
        projects = filings_for(person, kind="project").order_by("-fiscal_year", "pk").values_list("pk", flat=True)
        paths = [reverse("projects:filing_list") + query for query in LIST_QUERIES] + [
            reverse("projects:filing_detail", args=[pk]) for pk in projects[:PROJECTS_PER_CLIENT]
        ]
        sessions.append((client.cookies[settings.SESSION_COOKIE_NAME].value, _from_page(paths, index)))
    return sessions


def _from_page(paths: list[str], index: int) -> list[str]:
    """The pages of the ``index``-th client, from a page of its own on: wrk's clients take their next
    page in step, and without this every client would ask for its lists at the same moment (four
    rounds in every 24 of lists alone), which people at work do not."""
    start = index % len(paths)
    return paths[start:] + paths[:start]


def _lua_clients(sessions: list[tuple[str, list[str]]]) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    clients = [
        f"{{session = {quoted(session)}, paths = {{{', '.join(quoted(p) for p in paths)}}}}}"
        for session, paths in sessions
    ]
    return "{" + ", ".join(clients) + "}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_gunicorn(port: int, workers: int, folder: Path) -> subprocess.Popen:
    log = folder / "gunicorn.log"
    # Production mode, on this database, with this process's secret key: the sessions made here are
    # signed with it.
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": str(workers),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # The static files collected into a folder of the run's own, not the project's staticfiles/.
        "BUDGETPERF_STATIC_ROOT": str(folder / "static"),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    # Production mode serves the collected, hashed static files (the Dockerfile collects them too).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
    )
    server = subprocess.Popen(
        [str(gunicorn), "budgetperf.wsgi", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn 未能启动：" + log.read_text(errors="replace")[-2000:])
        try:
            if _get(port, "/accounts/login/") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise CommandError("gunicorn 在 60 秒内没有开始服务")


def _get(port: int, path: str, session: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"} if session else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _warm_up(port: int, sessions: list[tuple[str, list[str]]], workers: int) -> None:
    """Every page once per worker before the clock starts: the first request of a worker loads the
    templates, the fonts and the rest, which is not what the run measures."""
    for session, paths in sessions[: max(workers, 1) * 2]:
        for path in paths:
            _get(port, path, session)
