import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from indicators.models import Indicator
from jobs.models import Job, JobStatus
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
from tests.helpers.samples import BAOAN, DAPENG, FUTIAN, SHENSHAN

pytestmark = pytest.mark.django_db

# Jobs wait in the database queue for a worker (none runs here) instead of running where they are queued.
QUEUED_IN_DATABASE = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


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


def _prerender_jobs() -> dict[str, Job]:
    return {job.key: job for job in Job.objects.filter(kind="prerender")}


def _record_rendering(monkeypatch) -> list[tuple[str, int]]:
    """Every call of the engine's rendering entry points, with how many forms or chunks it was given."""
    calls: list[tuple[str, int]] = []
    real_pdf, real_pdfs, real_combined_pdfs = engine.pdf, engine.pdfs, engine.combined_pdfs

    def pdf(html, css):
        calls.append(("form", 1))
        return real_pdf(html, css)

    def pdfs(htmls, css):
        calls.append(("forms", len(htmls)))
        return real_pdfs(htmls, css)

    def combined_pdfs(chunks, css):
        calls.append(("chunks", len(chunks)))
        return real_combined_pdfs(chunks, css)

    monkeypatch.setattr(engine, "pdf", pdf)
    monkeypatch.setattr(engine, "pdfs", pdfs)
    monkeypatch.setattr(engine, "combined_pdfs", combined_pdfs)
    return calls


@pytest.mark.usefixtures("pdf_cache")
def test_a_prerendered_department_is_exported_without_rendering_and_a_change_renders_only_its_own_pieces(
    samples, monkeypatch
):
    department, year = _department_year_of_two_chunks()
    filings = list(department_filings(department, year=year))
    assert len(filings) > CHUNK_MAX  # more than one chunk
    prerender.prerender_queue({(department.pk, year)})  # the job runs here (the tests' immediate backend)
    job = _prerender_jobs()[f"prerender:{department.pk}:{year}"]
    assert (job.status, job.done, job.total, job.user) == (JobStatus.DONE, len(filings), len(filings), None)
    assert job.parts.count() > 1

    rendered = _record_rendering(monkeypatch)
    merged, archive, single = _exports(department, year)
    assert rendered == []
    titles = {filing.form_kind.title for filing in filings}
    assert sum(1 for text in page_texts(merged) if any(title in text for title in titles)) == len(filings)
    assert filings[0].code in "".join(page_texts(single))

    changed = filings[len(filings) // 2]
    changed.name += "（修改）"
    changed.save()
    prerender.prerender_queue({(department.pk, year)})  # a new job: the last one is done
    assert rendered == [("chunks", 1), ("forms", 1)]
    assert Job.objects.filter(kind="prerender", status=JobStatus.DONE).count() == 2
    # Printing ahead here and now fills the same keys as the job: nothing is left to render.
    prerender.prerender_department(department_id=department.pk, year=year)
    assert rendered == [("chunks", 1), ("forms", 1)]
    _exports(department, year)
    assert rendered == [("chunks", 1), ("forms", 1)]


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


def _separate_unit_years() -> list[tuple[int, int]]:
    """(department id, year) of three sample units whose exports share no filing (福田, 深汕, 大鹏), in the
    order they are queued in."""
    pairs = []
    for source in (FUTIAN, SHENSHAN, DAPENG):
        filing = Filing.objects.select_related("department__parent").filter(source_file=source.name).first()
        assert filing is not None and filing.department is not None
        unit = filing.department.parent or filing.department
        pairs.append((unit.pk, filing.fiscal_year))
    return sorted(pairs)


def test_a_department_waiting_for_its_printing_ahead_is_not_queued_twice(samples):
    first, second, third = _separate_unit_years()
    with QUEUED_IN_DATABASE:
        prerender.prerender_queue({first, second})
        prerender.prerender_queue({second, third})
    jobs = _prerender_jobs()
    assert sorted(jobs) == [f"prerender:{department}:{year}" for department, year in (first, second, third)]
    assert {(job.params["department_id"], job.params["year"]) for job in jobs.values()} == {first, second, third}
    assert {job.user for job in jobs.values()} == {None}
    assert DBTaskResult.objects.filter(task_path="jobs.tasks.plan_job").count() == 3  # one task per department

    # A worker has started on the first: it read the department before the next change, so that change
    # gets a job of its own, which any further change joins while it waits.
    running = jobs[f"prerender:{first[0]}:{first[1]}"]
    Job.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING)
    with QUEUED_IN_DATABASE:
        prerender.prerender_queue({first})
        prerender.prerender_queue({first})
    following = set(_prerender_jobs()) - set(jobs)
    assert following == {f"prerender:{first[0]}:{first[1]}:after:{running.pk}"}
    assert DBTaskResult.objects.filter(task_path="jobs.tasks.plan_job").count() == 4


def test_a_failing_department_fails_its_own_job_and_the_others_are_printed_ahead(samples, monkeypatch, caplog):
    failing, *others = _separate_unit_years()  # queued first
    broken = {failing[0]}
    printed: set[int] = set()

    def render_chunk(*, filings, reviews):
        if any(broken & {filing.department_id, filing.department.parent_id} for filing in filings):
            raise OSError("字体丢失")
        printed.update(filing.pk for filing in filings)

    monkeypatch.setattr(pdf_services, "cache_chunk_pdf", render_chunk)
    monkeypatch.setattr(pdf_services, "cache_form_pdfs", lambda *, filings, reviews: None)
    prerender.prerender_queue({failing, *others})  # the caller (a save, an import) sees no error

    jobs = _prerender_jobs()
    failed = jobs.pop(f"prerender:{failing[0]}:{failing[1]}")
    assert (failed.status, failed.message) == (JobStatus.FAILED, "处理失败：字体丢失")
    assert failed.finished_at is not None and str(failed.pk) in caplog.text
    assert [(job.status, job.done == job.total > 0) for job in jobs.values()] == [(JobStatus.DONE, True)] * 2
    for department_id, year in others:
        department = Department.objects.get(pk=department_id)
        assert {filing.pk for filing in department_filings(department, year=year)} <= printed

    # A failed job waits no more: the next change queues the department afresh.
    broken.clear()
    prerender.prerender_queue({failing})
    again = Job.objects.filter(key=failed.key).exclude(pk=failed.pk).get()
    assert again.status == JobStatus.DONE and again.done == again.total > 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_import_command_queues_printing_ahead_for_every_department_and_year_it_touched(empty_database, settings):
    settings.PDF_PRERENDER = True
    out = io.StringIO()
    with QUEUED_IN_DATABASE:
        call_command("import_filings", str(BAOAN), str(FUTIAN), stdout=out)
    assert "已排队预先生成" in out.getvalue()
    touched = set(Filing.objects.values_list("department_id", "fiscal_year"))
    assert len(touched) == 4  # 宝安 2023; 福田 and its two units under it, 2022
    jobs = _prerender_jobs()
    assert sorted(jobs) == sorted(f"prerender:{department}:{year}" for department, year in touched)
    assert {job.status for job in jobs.values()} == {JobStatus.QUEUED}  # for the workers: the command renders nothing
    assert DBTaskResult.objects.filter(task_path="jobs.tasks.plan_job").count() == len(touched)


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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("pdf_cache")
def test_after_an_import_command_the_departments_exports_come_from_the_cache(empty_database, settings, monkeypatch):
    settings.PDF_PRERENDER = True
    call_command("import_filings", str(BAOAN), stdout=io.StringIO())  # its printing ahead runs as it is queued
    assert {job.status for job in _prerender_jobs().values()} == {JobStatus.DONE}

    rendered = _record_rendering(monkeypatch)
    department, year = _department_year_of_two_chunks()
    merged, _, _ = _exports(department, year)
    assert rendered == []
    assert len(page_texts(merged)) >= department.filings.filter(fiscal_year=year).count()
