import pytest

from tests.helpers.committed import committed  # noqa: F401  (a fixture for every test directory)
from tests.helpers.samples import FILING_COUNT, empty_filing_tables, load_samples, sample_filings, sample_projects


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Django's default hasher is slow on purpose (about 0.4 s a password); tests log in and create
    accounts all the time, so they hash with MD5. Production keeps the default."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations leave it, with the 100 sample filings imported once."""
    with django_db_blocker.unblock():
        load_samples()


@pytest.fixture
def samples(db) -> list:
    """The 100 sample 二级 filings, as the README's demo imports them (with the 一级 and 部门整体 ones).

    Every test sees them (see ``tests.helpers.samples``); this fixture says a test relies on them, and
    imports them again if a transactional test emptied the database before.
    """
    if sample_filings().count() != FILING_COUNT:
        empty_filing_tables()
        load_samples()
    return list(sample_projects())


@pytest.fixture
def empty_database(db) -> None:
    """No filings and no units: for tests of importing the samples themselves, or of counting everything."""
    empty_filing_tables()


@pytest.fixture
def people(db):
    """The people of the workflow tests (``tests.helpers.people``)."""
    from tests.helpers.people import make_people

    return make_people()


@pytest.fixture
def make_filing(db):
    """A complete 申报表 (every header field, one real row under each required 二级) unless told otherwise."""
    from tests.helpers.filings import make_filing as factory

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
    """The (department id, year) pairs queued for printing ahead, recorded instead of queued."""
    from projects.services import prerender

    settings.PDF_PRERENDER = True
    pairs = []
    monkeypatch.setattr(prerender, "prerender_queue", lambda departments: pairs.extend(sorted(set(departments))))
    return pairs


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    """Background jobs' results in a scratch directory of the test (see jobs/services.py)."""
    jobs = {**settings.STORAGES["jobs"], "OPTIONS": {"location": str(tmp_path / "jobs")}}
    settings.STORAGES = {**settings.STORAGES, "jobs": jobs}
