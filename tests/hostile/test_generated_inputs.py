"""Generated and mutated filings, text and workbook: every one either reads as a form within its kind's
limits or is refused with a message (a line, a sheet and cell), never another error; refused ones
write nothing. Few examples, derandomized, so that the suite stays fast and the same on every run."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.taxonomy import SHENZHEN_2020, SHENZHEN_2020_OVERALL, SHENZHEN_2020_PROGRAM, Vocabulary
from projects.kinds import kind_named
from projects.models import Filing
from projects.parsers.filing import ParsedFiling
from projects.parsers.text import FilingParseError, parse_filings
from projects.parsers.xlsx import WorkbookParseError, parse_workbook
from projects.services.excel import filings_to_workbook
from projects.services.excel_import import WorkbookImportError, workbook_import
from projects.services.imports import FilingImportError, SourceFile, import_filings
from tests.helpers.samples import BAOAN_OVERALL
from tests.hostile.state import database_state
from tests.hostile.test_text_filings import FORM
from tests.hostile.xlsx_parts import with_part

pytestmark = pytest.mark.django_db

VOCABULARIES = {
    "project": Vocabulary.from_spec(SHENZHEN_2020),
    "program": Vocabulary.from_spec(SHENZHEN_2020_PROGRAM),
    "overall": Vocabulary.from_spec(SHENZHEN_2020_OVERALL),
}
FEW = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEWER = settings(FEW, max_examples=8)
TEXTS = [FORM, BAOAN_OVERALL.read_text(encoding="utf-8-sig")]


class _Rollback(Exception):
    pass


def within_limits(filing: ParsedFiling) -> None:
    """What a parse may return: the kind's identity, and nothing beyond its limits."""
    kind = kind_named(filing.kind)
    assert all(filing.values.get(name) for name in kind.identity)
    for name, value in filing.values.items():
        limit = kind.field(name).max_length
        assert limit is None or not isinstance(value, str) or len(value) <= limit
    assert len(filing.indicators) <= kind.indicators.max_rows
    for row in filing.indicators:
        assert all(len(getattr(row, column.name)) <= column.max_length for column in kind.indicators.columns)
    if kind.tasks is not None:
        assert len(filing.tasks) <= kind.tasks.max_rows
        assert all(len(task.name) <= 200 and len(task.content) <= 2000 for task in filing.tasks)


# --- text filings ---------------------------------------------------------------------------------

_LINE = st.integers(min_value=0, max_value=700)
_JUNK = st.sampled_from(
    ["\t", "满意度\t服务对象满意度\t", "产出\t*数量\t", "年度目标:\t", "合计\t1\t2\t3", "1e400", "²"]
)
TEXT_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("cut"), st.floats(min_value=0, max_value=1)),
        st.tuples(st.just("drop"), _LINE),
        st.tuples(st.just("repeat"), _LINE, st.integers(min_value=1, max_value=120)),
        st.tuples(st.just("insert"), _LINE, _JUNK | st.text(max_size=12)),
        st.tuples(st.just("pad"), _LINE, st.integers(min_value=1, max_value=6000)),
    ),
    min_size=1,
    max_size=4,
)


def edited_text(text: str, edits: list[tuple[Any, ...]]) -> str:
    lines = text.split("\n")
    for edit in edits:
        at = edit[1] % len(lines) if edit[0] != "cut" else 0
        if edit[0] == "cut":
            return "\n".join(lines)[: int(len("\n".join(lines)) * edit[1])]
        if edit[0] == "drop":
            del lines[at]
        elif edit[0] == "repeat":
            lines[at:at] = [lines[at]] * edit[2]
        elif edit[0] == "insert":
            lines.insert(at, edit[2])
        elif edit[0] == "pad":
            lines[at] += "字" * edit[2]
        if not lines:
            return ""
    return "\n".join(lines)


@FEW
@given(st.sampled_from(TEXTS), TEXT_EDITS)
def test_a_mutated_text_filing_is_read_within_limits_or_refused_with_its_line(text, edits):
    mutated = edited_text(text, edits)
    try:
        filings = parse_filings(mutated, vocabularies=VOCABULARIES)
    except FilingParseError as error:
        assert error.line is None or 1 <= error.line <= mutated.count("\n") + 1
        assert len(error.message) < 300
    else:
        for filing in filings:
            within_limits(filing)


@FEWER
@given(TEXT_EDITS)
def test_a_refused_text_import_writes_nothing(samples, edits):
    source = SourceFile("生成的申报表.txt", edited_text(TEXTS[1], edits))
    before = database_state()
    try:
        with transaction.atomic():
            import_filings(sources=[source])
            raise _Rollback  # it was a form after all: its import is undone for the next example
    except FilingImportError as error:
        assert str(error).startswith("生成的申报表.txt")
        assert database_state() == before
    except _Rollback:
        pass


# --- workbooks ------------------------------------------------------------------------------------

_CELL = re.compile(rb"<c [^>]*?(?:/>|>.*?</c>)")
_ATTRIBUTE_VALUES = {
    b"t": [b"n", b"s", b"d", b"b", b"e", b"str", b"inlineStr", b"zz", b""],
    b"s": [b"0", b"1", b"99999", b"-1", b"x"],
    b"r": [b"A1", b"ZZZZZZ1", b"AZ5", b"A0", b"A2001", b"E7", b"1A"],
}
WORKBOOK_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("cut"), st.floats(min_value=0, max_value=1)),
        st.tuples(st.just("delete"), st.floats(min_value=0, max_value=1), st.integers(min_value=1, max_value=200)),
        st.tuples(st.just("repeat"), st.floats(min_value=0, max_value=1), st.integers(min_value=1, max_value=200)),
        st.tuples(st.just("value"), st.integers(min_value=0, max_value=200), st.binary(max_size=12)),
        st.tuples(
            st.just("attribute"),
            st.integers(min_value=0, max_value=200),
            st.sampled_from(sorted(_ATTRIBUTE_VALUES)),
            st.integers(min_value=0, max_value=8),
        ),
    ),
    min_size=1,
    max_size=3,
)


def edited_sheet(xml: bytes, edits: list[tuple[Any, ...]]) -> bytes:
    for edit in edits:
        kind = edit[0]
        if kind in ("cut", "delete", "repeat"):
            at = int(len(xml) * edit[1])
            if kind == "cut":
                xml = xml[:at]
            elif kind == "delete":
                xml = xml[:at] + xml[at + edit[2] :]
            else:
                xml = xml[:at] + xml[at : at + edit[2]] * 2 + xml[at + edit[2] :]
            continue
        cells = list(_CELL.finditer(xml))
        if not cells:
            continue
        cell = cells[edit[1] % len(cells)]
        old = cell.group()
        if kind == "value":
            new = re.sub(rb"<v>.*?</v>", lambda _, text=edit[2]: b"<v>" + text + b"</v>", old, count=1)
        else:
            name, values = edit[2], _ATTRIBUTE_VALUES[edit[2]]
            value = values[edit[3] % len(values)]
            new = re.sub(rb" %s=\"[^\"]*\"" % name, b"", old, count=1).replace(
                b"<c ", b'<c %s="%s" ' % (name, value), 1
            )
        xml = xml[: cell.start()] + new + xml[cell.end() :]
    return xml


@pytest.fixture
def exported(samples) -> bytes:
    return filings_to_workbook(filings=Filing.objects.filter(code="440306210601500000540"))


@FEW
@given(edits=WORKBOOK_EDITS)
def test_a_mutated_workbook_is_read_within_limits_or_refused_with_its_sheet_and_cell(exported, edits):
    data = with_part(exported, "xl/worksheets/sheet1.xml", lambda xml: edited_sheet(xml, edits))
    try:
        book = parse_workbook(data, vocabularies=VOCABULARIES)
    except WorkbookParseError as error:
        assert error.problems and all(len(problem) < 300 for problem in error.problems)
        assert all(("工作表「" in problem) or ("工作簿" in problem) for problem in error.problems)
    else:
        for sheet in book.sheets:
            within_limits(sheet.filing)


@FEW
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_a_workbook_with_a_damaged_byte_is_read_or_refused(exported, position, byte):
    at = position % len(exported)
    data = exported[:at] + bytes([byte]) + exported[at + 1 :]
    try:
        parse_workbook(data, vocabularies=VOCABULARIES)
    except WorkbookParseError as error:
        assert error.problems


@FEWER
@given(edits=WORKBOOK_EDITS)
def test_a_refused_workbook_import_writes_nothing(exported, admin_user, edits):
    data = with_part(exported, "xl/worksheets/sheet1.xml", lambda xml: edited_sheet(xml, edits))
    before = database_state()
    try:
        with transaction.atomic():
            workbook_import(data=data, file_name="生成的.xlsx", user=admin_user)
            raise _Rollback  # it was a form after all: its import is undone for the next example
    except WorkbookImportError as error:
        assert all(problem.startswith("生成的.xlsx：") for problem in error.problems)
        assert database_state() == before
    except _Rollback:
        pass
