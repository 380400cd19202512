"""The page templates as Django reads them: a note for the reader never reaches the page."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_every_one_line_comment_closes_on_its_line(path):
    # Django's {# … #} holds one line only; a note over several lines is printed on the page as it is.
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        rest = line
        while "{#" in rest:
            rest = rest[rest.index("{#") + 2 :]
            assert "#}" in rest, f"{path.name} 第{number}行：{{# 注释没有在同一行结束，请改用 {{% comment %}}"
            rest = rest[rest.index("#}") + 2 :]
