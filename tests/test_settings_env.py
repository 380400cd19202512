import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from budgetperf.env import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", default=True) is False


def test_env_bool_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")


def test_env_int_fails_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_int("NUMBER", 1)


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_mode_passes_the_deploy_check_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="budget.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="budget.example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_compose_file_validates():
    compose = Path(sys.executable).parent / "docker-compose"
    result = subprocess.run([str(compose), "config", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


LOCAL = {"BACKEND": "diskcache.DjangoCache", "LOCATION": "/srv/cache/pdf", "TIMEOUT": 60}


def test_the_pdf_cache_is_shared_through_redis_or_the_database_when_told():
    from budgetperf.settings import _shared_cache

    assert _shared_cache("", LOCAL) is LOCAL
    assert _shared_cache("redis://127.0.0.1:6379/5", LOCAL) == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/5",
        "TIMEOUT": 60,
    }
    assert _shared_cache("db", LOCAL) == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cache_pdf",
        "TIMEOUT": 60,
    }
    with pytest.raises(ImproperlyConfigured, match="BUDGETPERF_SHARED_CACHE"):
        _shared_cache("memcached://127.0.0.1", LOCAL)


def test_the_settings_read_the_shared_cache_from_the_environment():
    shown = _manage("shell", "-c", "from django.conf import settings; print('PDF', settings.CACHES['pdf']['BACKEND'])",
                    BUDGETPERF_SHARED_CACHE="redis://127.0.0.1:6379/5")  # fmt: skip
    assert "PDF django.core.cache.backends.redis.RedisCache" in shown.stdout, shown.stderr


def test_pdfs_go_through_a_redis_cache_like_through_the_local_one(settings):
    from django.core.cache import caches

    from projects.printing.cache import CACHE_ALIAS, cached

    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/7"}
    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: redis}
    caches[CACHE_ALIAS].clear()
    made: list[int] = []
    render = lambda: made.append(1) or b"%PDF-1.7 ..."  # noqa: E731
    assert cached("form:test", render) == cached("form:test", render) == b"%PDF-1.7 ..."
    assert made == [1]
    caches[CACHE_ALIAS].clear()
