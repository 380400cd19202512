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


@pytest.fixture
def pdf_cache(settings, tmp_path):
    """The PDF cache in a scratch directory of the test."""
    settings.CACHES = {**settings.CACHES, "pdf": {**settings.CACHES["pdf"], "LOCATION": str(tmp_path / "pdf-cache")}}
