"""Server time and queries of every page a person uses, for the current database, in one warm process."""

from __future__ import annotations

import gc
import json
import statistics
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.kinds import kind_named
from projects.models import Assignment, Filing, Role, Status
from projects.selectors import ADMIN_GROUP, filings_for
from projects.services.list_export import list_columns


@dataclass
class Page:
    label: str
    account: str
    url: str


@dataclass
class Figures:
    label: str
    account: str
    url: str
    status: int
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None


class Command(BaseCommand):
    help = (
        "以管理员、全区审核人和填报人登录（默认 city-admin、city-d01-reviewer 和项目最多的单位的填报人，"
        "即 generate_city 的账号），在同一个已预热的进程中用 django.test.Client 逐页请求每个常用页面，"
        "打印服务器用时的中位数、95 分位数（ms）和查询次数；页面出错时打印其状态码，不中断。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=25, help="每个页面请求几次（默认 25，另有一次预热）")
        parser.add_argument("--json", help="把结果写入这个 JSON 文件")
        parser.add_argument("--admin", default="", help="管理员账号（默认 city-admin，或任一管理员）")
        parser.add_argument("--reviewer", default="city-d01-reviewer", help="全区审核人账号")
        parser.add_argument("--filer", default="", help="填报人账号（默认项目最多的单位的填报人）")

    def handle(self, *args, **options) -> None:
        if options["runs"] < 1:
            raise CommandError("--runs 至少为 1")
        accounts = {
            "管理员": self._administrator(options["admin"]),
            "区审核人": self._user(options["reviewer"]),
            "填报人": self._filer(options["filer"]),
        }
        clients = {label: self._client(user) for label, user in accounts.items()}
        # As a gunicorn worker is forked (gunicorn.conf.py): what the app holds once loaded is left out
        # of the collector's full collections, which would otherwise pause a request now and then.
        gc.freeze()
        figures = []
        for page in pages(accounts):
            figures.append(measure(clients[page.account], page, runs=options["runs"]))
            self.stdout.write(f"  {page.account} {page.label}", ending="\r")
        self.stdout.write(table(figures, accounts, runs=options["runs"]))
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1), encoding="utf-8"
            )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有账号 {username}：先运行 generate_city，或用 --admin/--reviewer/--filer 指定账号")
        return user

    def _administrator(self, username: str) -> User:
        if username:
            return self._user(username)
        found = User.objects.filter(username="city-admin").first() or (
            User.objects.filter(Q(is_superuser=True) | Q(groups__name=ADMIN_GROUP), is_staff=True)
            .order_by("pk")
            .first()
        )
        if found is None:
            raise CommandError("没有管理员账号：用 --admin 指定")
        return found

    def _filer(self, username: str) -> User:
        if username:
            return self._user(username)
        busiest = (
            Assignment.objects.filter(role=Role.FILER, department__parent__isnull=False)
            .annotate(projects=Count("department__filings", filter=Q(department__filings__kind="project")))
            .order_by("-projects", "pk")
            .select_related("user")
            .first()
        )
        if busiest is None:
            raise CommandError("没有填报人账号：用 --filer 指定")
        return busiest.user

    @staticmethod
    def _client(user: User) -> Client:
        hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
        client = Client(SERVER_NAME=hosts[0] if hosts else "localhost")
        client.force_login(user)
        return client


def pages(accounts: dict[str, User]) -> list[Page]:
    """Every page measured, with the filings and units it shows chosen from the data."""
    reviewer, filer = accounts["区审核人"], accounts["填报人"]
    mine = filings_for(filer, kind="project").order_by("-fiscal_year", "code")
    theirs = filings_for(reviewer, kind="project")
    sample = mine.first() or theirs.order_by("-fiscal_year", "code").first()
    if sample is None:
        raise CommandError("数据库中没有二级项目：先运行 generate_city")
    editable = mine.filter(status__in=[Status.DRAFT, Status.RETURNED]).first() or sample
    submitted = theirs.filter(status=Status.SUBMITTED).order_by("pk").first() or sample
    year, unit = sample.fiscal_year, sample.department_id
    listing = reverse("projects:filing_list")
    lists = [
        ("列表：无筛选", "kind=project"),
        ("列表：年度+单位+状态", f"kind=project&year={year}&department={unit}&status={sample.status}"),
        ("列表：搜索完整编码", f"kind=project&q={sample.code}"),
        ("列表：搜索“公章”", "kind=project&q=公章"),
        ("列表：搜索“服务”", "kind=project&q=服务"),
        ("列表：第 2000 页（或最后一页）", "kind=project&page=2000"),
        *((f"列表：按{c.label}排序", f"kind=project&sort={c.key}") for c in list_columns(kind_named("project"))),
    ]
    measured = [Page(label, "区审核人", f"{listing}?{query}") for label, query in lists]
    measured += [Page(label, "填报人", f"{listing}?{query}") for label, query in lists[:5]]
    measured += [Page("列表：无筛选", "管理员", f"{listing}?kind=project")]
    measured += [
        Page("申报表页", "填报人", reverse("projects:filing_detail", args=[sample.pk])),
        Page("修改页", "填报人", reverse("projects:filing_edit", args=[editable.pk])),
        Page("审核页", "区审核人", reverse("projects:filing_review", args=[submitted.pk])),
        Page("待我审核", "区审核人", reverse("projects:review_queue")),
        Page("检查报告", "区审核人", reverse("checks:report")),
        Page("检查报告", "管理员", reverse("checks:report")),
        Page("单位年度概览", "填报人", reverse("projects:unit_year", args=[unit, year])),
        Page("单位概览", "区审核人", f"{reverse('projects:district')}?year={year}"),
        Page("后台：二级项目列表", "管理员", reverse("admin:projects_projectfiling_changelist")),
        Page("后台：搜索编码", "管理员", f"{reverse('admin:projects_projectfiling_changelist')}?q={sample.code}"),
        Page("后台：三级指标列表", "管理员", reverse("admin:indicators_indicator_changelist")),
        Page("后台：搜索“满意度”", "管理员", f"{reverse('admin:indicators_indicator_changelist')}?q=满意度"),
    ]
    return measured


def measure(client: Client, page: Page, *, runs: int) -> Figures:
    secure = settings.SECURE_SSL_REDIRECT
    response = client.get(page.url, secure=secure)  # warms caches; a failing page is measured no further
    if response.status_code != 200:
        return Figures(page.label, page.account, page.url, response.status_code)
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(page.url, secure=secure)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    return Figures(
        page.label,
        page.account,
        page.url,
        response.status_code,
        round(statistics.median(times), 1),
        round(p95, 1),
        queries,
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def table(figures: list[Figures], accounts: dict[str, User], *, runs: int) -> str:
    filings = Filing.objects.filter(kind="project").count()
    who = "，".join(f"{label} {user.username}" for label, user in accounts.items())
    head = ["页面", "账号", "p50 ms", "p95 ms", "查询"]
    rows = [
        [f.label, f.account, *((f"{f.p50_ms:.1f}", f"{f.p95_ms:.1f}", str(f.queries)) if f.status == 200 else
                               (f"HTTP {f.status}", "", ""))]
        for f in figures
    ]  # fmt: skip
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = [f"{filings:,} 张二级项目，每页 {runs} 次（另预热一次）；{who}"]
    for row in [head, *rows]:
        lines.append("  ".join(_pad(cell, widths[i], right=i >= 2) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines) + "\n"
