import io
import threading

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from indicators.models import Indicator
from projects.models import Department, Filing
from projects.printing import engine
from projects.printing.cache import CHUNK_MAX
from projects.resources import IndicatorResource
from projects.selectors import department_filings
from projects.services import pdf as pdf_services
from projects.services import prerender, review
from projects.services.filing import filing_update
from projects.services.imports import import_filings, read_source
from tests.helpers.filings import header_of, row_inputs
from tests.helpers.pdfs import page_texts
from tests.helpers.samples import BAOAN

pytestmark = pytest.mark.django_db


def _department_year_of_two_chunks():
    """The smallest unit-year whose batch is cut into more than one chunk: every PDF it renders counts."""
    counts = Filing.objects.values("department", "fiscal_year").annotate(count=Count("pk"))
    smallest = counts.filter(count__gt=CHUNK_MAX).order_by("count", "department").first()
    assert smallest is not None
    return Department.objects.get(pk=smallest["department"]), smallest["fiscal_year"]


def _exports(department, year):
    """What the export page and the filing page serve, rendered or from the cache."""
    filings = list(department_filings(department, year=year))
    reviews = pdf_services.printed_reviews(filings)
    return (
        pdf_services.filings_pdf(filings=filings, reviews=reviews),
        pdf_services.filings_zip(filings=filings, reviews=reviews),
        pdf_services.filing_pdf(filing=filings[0], review=reviews.get(filings[0].pk)),
    )


@pytest.mark.usefixtures("pdf_cache")
def test_a_prerendered_department_is_exported_without_rendering_and_a_change_renders_only_its_own_pieces(
    samples, monkeypatch
):
    department, year = _department_year_of_two_chunks()
    filings = list(department_filings(department, year=year))
    assert len(filings) > CHUNK_MAX  # more than one chunk
    prerender.prerender_department(department_id=department.pk, year=year)

    rendered: list[tuple[str, int]] = []

    def chunks_as_made(chunks, css):
        rendered.extend(("chunk", 1) for _ in chunks)
        return []

    monkeypatch.setattr(engine, "combined_pdfs", lambda chunks, css: rendered.append(("chunks", len(chunks))))
    monkeypatch.setattr(engine, "combined_pdfs_as_made", chunks_as_made)
    monkeypatch.setattr(engine, "pdfs", lambda htmls, css: rendered.append(("forms", len(htmls))))
    monkeypatch.setattr(engine, "pdf", lambda html, css: rendered.append(("form", 1)))
    merged, archive, single = _exports(department, year)
    assert rendered == []
    titles = {filing.form_kind.title for filing in filings}
    assert sum(1 for text in page_texts(merged) if any(title in text for title in titles)) == len(filings)
    assert filings[0].code in "".join(page_texts(single))

    changed = filings[len(filings) // 2]
    changed.name += "（修改）"
    changed.save()
    monkeypatch.undo()
    counted: list[tuple[str, int]] = []
    real_combined_pdfs, real_pdfs = engine.combined_pdfs, engine.pdfs

    def combined_pdfs(chunks, css):
        counted.append(("chunks", len(chunks)))
        return real_combined_pdfs(chunks, css)

    def pdfs(htmls, css):
        counted.append(("forms", len(htmls)))
        return real_pdfs(htmls, css)

    monkeypatch.setattr(engine, "combined_pdfs", combined_pdfs)
    monkeypatch.setattr(engine, "pdfs", pdfs)
    prerender.prerender_department(department_id=department.pk, year=year)
    assert counted == [("chunks", 1), ("forms", 1)]


@pytest.fixture
def queued(prerender_queue):
    return prerender_queue


def test_saving_a_filing_queues_its_department_once_the_transaction_commits(
    people, make_filing, queued, django_capture_on_commit_callbacks
):
    filing = make_filing(people.unit_a, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        filing_update(
            filing=filing,
            user=people.owner,
            header=header_of(filing, name="改名"),
            rows=row_inputs(filing),
            version=filing.version,
        )
    assert queued == [(people.unit_a.pk, 2025)]


def test_saving_a_subordinate_units_filing_queues_its_top_level_unit_as_well(
    people, make_filing, queued, django_capture_on_commit_callbacks
):
    filing = make_filing(people.unit_a_child, year=2025)
    assert filing.project_header.top_unit == people.unit_a
    with django_capture_on_commit_callbacks(execute=True):
        filing_update(
            filing=filing,
            user=people.owner,
            header=header_of(filing, name="改名"),
            rows=row_inputs(filing),
            version=filing.version,
        )
    assert queued == sorted([(people.unit_a.pk, 2025), (people.unit_a_child.pk, 2025)])


def test_reviewing_queues_the_department_and_a_rolled_back_change_queues_nothing(
    people, make_filing, queued, django_capture_on_commit_callbacks
):
    filing = make_filing(people.unit_b, year=2024)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        filing_update(
            filing=filing,
            user=people.colleague,
            header=header_of(filing, name="改名"),
            rows=row_inputs(filing),
            version=filing.version,
        )
        transaction.set_rollback(True)
    assert queued == []
    filing.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        review.filing_submit(filing=filing, user=people.colleague)
    assert queued == [(people.unit_b.pk, 2024)]


def test_an_import_queues_every_department_and_year_it_touched(
    empty_database, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_filings(sources=[read_source(BAOAN)])
    assert queued == sorted({(f.department_id, f.fiscal_year) for f in result.created})
    assert len(queued) >= 1


def test_nothing_is_queued_when_printing_ahead_is_off(
    people, make_filing, queued, settings, django_capture_on_commit_callbacks
):
    settings.PDF_PRERENDER = False
    filing = make_filing(people.unit_a)
    with django_capture_on_commit_callbacks(execute=True):
        review.filing_submit(filing=filing, user=people.owner)
    assert queued == []


def test_the_thread_renders_a_waiting_department_once_and_goes_on_after_a_failure(monkeypatch, caplog):
    done = []

    def render(*, department_id, year):
        if department_id == 1:
            raise OSError("字体丢失")
        done.append((department_id, year))

    monkeypatch.setattr(prerender, "prerender_department", render)
    busy = threading.Event()
    prerender._thread.submit(busy.wait)  # keeps the one thread busy while the pairs are queued
    prerender._schedule({(1, 2024), (2, 2024)})
    prerender._schedule({(2, 2024), (3, 2023)})
    busy.set()
    prerender._thread.submit(lambda: None).result(timeout=30)
    assert done == [(2, 2024), (3, 2023)]
    assert "预先生成 PDF 失败：预算单位 1，2024 年" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_command_returns_once_the_departments_it_touched_are_rendered(empty_database, settings, monkeypatch):
    settings.PDF_PRERENDER = True
    rendered = []
    monkeypatch.setattr(
        prerender, "prerender_department", lambda *, department_id, year: rendered.append((department_id, year))
    )
    out = io.StringIO()
    call_command("import_filings", str(BAOAN), stdout=out)
    assert "正在预先生成" in out.getvalue()
    assert rendered == sorted(set(Filing.objects.values_list("department_id", "fiscal_year")))


def test_a_filing_moved_to_another_year_queues_the_year_it_left_as_well(
    people, make_filing, queued, django_capture_on_commit_callbacks
):
    filing = make_filing(people.unit_a, year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        filing_update(
            filing=filing,
            user=people.owner,
            header=header_of(filing, fiscal_year=2026),
            rows=row_inputs(filing),
            version=filing.version,
        )
    assert queued == [(people.unit_a.pk, 2025), (people.unit_a.pk, 2026)]


def test_a_list_import_queues_the_departments_of_the_rows_it_changed_and_a_dry_run_queues_nothing(
    samples, admin_user, queued, django_capture_on_commit_callbacks
):
    filing = Filing.objects.select_related("department__parent").get(code="440306210601500000540")
    dataset = IndicatorResource().export(queryset=Indicator.objects.filter(filing=filing))
    quality = next(i for i, row in enumerate(dataset.dict) if row["二级指标"] == "质量")
    dataset[quality] = tuple(
        "≥95%" if header == "指标值" else value for header, value in zip(dataset.headers, dataset[quality], strict=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        IndicatorResource().import_data(dataset, dry_run=True, user=admin_user)
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        IndicatorResource().import_data(dataset, dry_run=False, user=admin_user)
    # The unit's 部门整体 form names its 主管部门, whose exports hold the unit's filings as well.
    parent = filing.department.parent
    assert parent is not None and parent.name == "深圳市宝安区政务服务数据管理局"
    assert queued == sorted([(filing.department_id, filing.fiscal_year), (parent.pk, filing.fiscal_year)])


def test_the_thread_stops_quietly_when_the_render_pool_no_longer_takes_work(monkeypatch, caplog):
    tried = []

    def refused(*, department_id, year):
        tried.append(department_id)
        raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    monkeypatch.setattr(prerender, "prerender_department", refused)
    prerender._schedule({(1, 2024), (2, 2024)})
    prerender.wait()
    assert tried == [1]
    assert "停止预先生成 PDF" in caplog.text and "Traceback" not in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("pdf_cache")
def test_after_an_import_command_the_departments_exports_come_from_the_cache(empty_database, settings, monkeypatch):
    settings.PDF_PRERENDER = True
    call_command("import_filings", str(BAOAN), stdout=io.StringIO())

    def no_rendering(*args):
        raise AssertionError("rendered although printed ahead")

    for name in ("combined_pdfs", "pdfs", "pdf"):
        monkeypatch.setattr(engine, name, no_rendering)
    monkeypatch.setattr(engine, "combined_pdfs_as_made", lambda chunks, css: [no_rendering() for _ in chunks])
    department, year = _department_year_of_two_chunks()
    merged, _, _ = _exports(department, year)
    assert len(page_texts(merged)) >= department.filings.filter(fiscal_year=year).count()
