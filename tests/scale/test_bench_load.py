"""bench_load drives gunicorn, in production mode on this database, with signed-in clients through wrk,
and prints what it measured."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from projects.management.commands.bench_load import _from_page, _sessions

pytestmark = pytest.mark.django_db


def test_a_short_run_serves_every_request_and_prints_the_percentiles(committed, people, make_filing):
    """``committed``: what the test writes, gunicorn sees."""
    make_filing(people.unit_a)
    out = StringIO()

    call_command("bench_load", clients=3, seconds=2, workers=1, stdout=out)

    output = out.getvalue()
    requests = int(re.search(r"：(\d+) 次请求", output).group(1))
    assert requests > 3, output
    assert re.search(r"p50 [\d.]+ ms，p95 [\d.]+ ms，p99 [\d.]+ ms", output)
    assert "非 200 响应 0 次" in output and "连接错误 0 次" in output


def test_the_work_is_bounded():
    with pytest.raises(CommandError, match="--clients 应在 1 到 128 之间"):
        call_command("bench_load", clients=500, seconds=2)
    with pytest.raises(CommandError, match="--seconds 应在 1 到 300 之间"):
        call_command("bench_load", clients=2, seconds=3600)


def test_the_clients_do_not_ask_for_the_same_page_at_the_same_moment(people, make_filing):
    """wrk's clients take their next page in step: each client's round starts at a page of its own."""
    for number in range(3):
        make_filing(people.unit_a, name=f"项目{number}")
    sessions = _sessions(4)
    firsts = [paths[0] for _, paths in sessions]
    assert len(set(firsts)) == 4, firsts
    assert _from_page(["列表", "第 2 页", "项目页"], 1) == ["第 2 页", "项目页", "列表"]
    assert _from_page(["列表", "第 2 页", "项目页"], 4) == ["第 2 页", "项目页", "列表"]
