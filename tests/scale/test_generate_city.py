"""``generate_city`` builds a small city of the shape of the measured one, and ``bench_pages`` answers
every page of it; the city at full size on PostgreSQL is in docs/scale.md."""

import io
import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count

from checks.models import FilingCheck
from indicators.models import Indicator
from projects.citygen.city import PASSWORD, CityOptions
from projects.models import Department, Filing, OverallTask, Status, Transition
from projects.selectors import filings_for, review_queue_for

pytestmark = pytest.mark.django_db

YEARS = (2024, 2025)
PROJECTS = 300


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def city(empty_database) -> str:
    return _run("generate_city", "--projects", str(PROJECTS), "--years", ",".join(map(str, YEARS)), "--seed", "7")


def test_it_refuses_a_database_that_holds_filings(samples):
    with pytest.raises(CommandError, match="只写入空数据库"):
        _run("generate_city", "--projects", "10")
    assert not User.objects.filter(username__startswith="city-").exists()


def test_it_generates_units_filings_reviews_and_checks_of_the_measured_shape(city, client):
    units = CityOptions(projects=PROJECTS).units
    assert Department.objects.count() == units == 20
    assert Department.objects.values("district").distinct().count() == 10
    tops = Department.objects.filter(parent=None)
    assert tops.count() == 10 and not Department.objects.filter(parent__parent__isnull=False).exists()
    per_year = dict(Filing.objects.filter(kind="project").values_list("fiscal_year").annotate(n=Count("pk")))
    assert per_year == {2024: 150, 2025: 150}
    assert Filing.objects.filter(kind="overall").count() == units * len(YEARS)
    assert Filing.objects.filter(kind="program").count() >= 2 * 10  # every unit-year with projects has one
    assert not Filing.objects.filter(kind="project", project_header__program=None).exists()
    assert OverallTask.objects.count() > Filing.objects.filter(kind="overall").count()
    rows = Indicator.objects.count()
    assert rows > 10 * PROJECTS and Indicator.history.count() == rows
    assert Filing.history.count() == Filing.objects.count() == FilingCheck.objects.count()
    assert FilingCheck.objects.filter(errors__gt=0).exists() and FilingCheck.objects.filter(warnings__gt=0).exists()
    # Each filing's last step led to its state; drafts that were never submitted have none.
    steps = Transition.objects.count()
    assert steps > PROJECTS
    for filing in Filing.objects.exclude(status=Status.DRAFT).prefetch_related("transitions")[:50]:
        assert list(filing.transitions.all())[-1].to_status == filing.status
    assert "二级项目 300 张" in city and "用时" in city

    reviewer = User.objects.get(username="city-d01-reviewer")
    district = Department.objects.get(assignments__user=reviewer).district
    assert set(filings_for(reviewer).values_list("department__district", flat=True)) == {district}
    assert filings_for(reviewer).count() == Filing.objects.filter(department__district=district).count()
    assert review_queue_for(reviewer).exists()
    child = Department.objects.exclude(parent=None).order_by("pk").first()
    filer = User.objects.get(assignments__department=child, assignments__role="filer")
    assert set(filings_for(filer).values_list("department", flat=True)) == {child.pk}
    assert filings_for(User.objects.get(username="city-admin")).count() == Filing.objects.count()
    signed_in = client.post("/accounts/login/", {"username": filer.username, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_bench_pages_answers_every_page_and_prints_the_table(city, tmp_path):
    figures = tmp_path / "pages.json"
    printed = _run("bench_pages", "--runs", "1", "--json", str(figures))
    measured = json.loads(figures.read_text(encoding="utf-8"))
    assert len(measured) >= 25
    assert [f["label"] for f in measured if f["status"] != 200] == []
    assert "HTTP" not in printed
    table = printed.rsplit("\r", 1)[-1].splitlines()
    assert re.match(r"300 张二级项目，每页 1 次", table[0])
    assert table[1].split() == ["页面", "账号", "p50", "ms", "p95", "ms", "查询"]
    for figure, line in zip(measured, table[2:], strict=True):
        assert line.startswith(figure["label"])
        assert re.search(rf"{figure['account']}\s+[\d.]+\s+[\d.]+\s+{figure['queries']}$", line)
