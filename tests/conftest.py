import functools
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
BAOAN = SAMPLES / "000_7eb1ee1bd71f2e66.txt"
FUTIAN = SAMPLES / "001_f24da8b7715a7516.txt"
SHENSHAN = SAMPLES / "002_a5ac6881a5caf555.txt"
SAMPLE_FILES = [BAOAN, FUTIAN, SHENSHAN]


@pytest.fixture
def samples(db):
    """The 100 sample filings, imported as the README's demo does."""
    from projects.services.imports import import_filings, read_source

    return import_filings(sources=[read_source(path) for path in SAMPLE_FILES])


TEST_PASSWORD = "pw-for-tests"


@functools.cache
def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(TEST_PASSWORD)


# People and filings for the workflow tests: an owner (填报人 of unit A), a colleague filing for
# unit B, an outsider with no role, the reviewers of A and of B, and a 管理员 who is not a superuser.
@pytest.fixture
def people(db):
    from types import SimpleNamespace

    from django.contrib.auth.models import User

    from projects.models import Department, Role
    from projects.services.accounts import administrator_grant, assignment_grant

    unit_a = Department.objects.create(name="深圳市宝安区测试数据管理局（本级）")
    unit_a_child = Department.objects.create(name="深圳市宝安区测试服务中心", parent=unit_a)
    unit_b = Department.objects.create(name="深圳市福田区测试数据管理局（本级）")

    def person(username, full_name):
        # One password hash for all: hashing per user would dominate the test run.
        return User.objects.create(username=username, password=_password_hash(), first_name=full_name)

    owner, colleague, outsider = person("owner", "王填报"), person("colleague", "赵同事"), person("outsider", "钱路人")
    reviewer, other_reviewer = person("reviewer", "孙审核"), person("other_reviewer", "周审核")
    administrator = person("administrator", "吴管理")
    assignment_grant(user=owner, department=unit_a, role=Role.FILER)
    assignment_grant(user=colleague, department=unit_b, role=Role.FILER)
    assignment_grant(user=reviewer, department=unit_a, role=Role.REVIEWER)
    assignment_grant(user=other_reviewer, department=unit_b, role=Role.REVIEWER)
    administrator_grant(user=administrator)
    return SimpleNamespace(
        unit_a=unit_a,
        unit_a_child=unit_a_child,
        unit_b=unit_b,
        owner=owner,
        colleague=colleague,
        outsider=outsider,
        reviewer=reviewer,
        other_reviewer=other_reviewer,
        administrator=administrator,
    )


@pytest.fixture
def make_filing(db):
    """A complete 申报表 (every header field, one real row under each required 二级) unless told otherwise."""
    from tests.filings import make_filing as factory

    return factory


@pytest.fixture
def pdf_cache(settings, tmp_path):
    """The PDF cache in a scratch directory of the test."""
    settings.CACHES = {**settings.CACHES, "pdf": {**settings.CACHES["pdf"], "LOCATION": str(tmp_path / "pdf-cache")}}


@pytest.fixture(autouse=True)
def upload_cache(settings, tmp_path):
    """Uploads awaiting confirmation in a scratch directory of the test (see projects/uploads.py)."""
    uploads = {**settings.CACHES["uploads"], "LOCATION": str(tmp_path / "upload-cache")}
    settings.CACHES = {**settings.CACHES, "uploads": uploads}


@pytest.fixture(autouse=True)
def no_prerender(settings):
    """Tests print when they mean to: no background rendering after their saves (see test_prerender)."""
    settings.PDF_PRERENDER = False


@pytest.fixture
def prerender_queue(settings, monkeypatch):
    """The (department id, year) pairs handed to the printing-ahead thread, recorded instead of rendered."""
    from projects.services import prerender

    settings.PDF_PRERENDER = True
    pairs = []
    monkeypatch.setattr(prerender, "_schedule", lambda departments: pairs.extend(sorted(departments)))
    return pairs
