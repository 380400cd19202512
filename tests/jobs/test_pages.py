"""A job's page, its progress and its download belong to the person who started it."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from jobs import services
from jobs.kinds import JobKind, Result, register
from jobs.models import JobStatus

pytestmark = pytest.mark.django_db

register(
    JobKind(
        "test_file",
        plan=lambda job: [3],
        run_part=lambda job, index, still_working: None,
        finish=lambda job: Result("合计\n".encode(), "结果.csv", "text/csv"),
    )
)


def _job(user, key="file"):
    return services.job_start(kind="test_file", title="测试导出", key=key, params={}, user=user)


def test_the_page_of_a_done_job_offers_its_file(client, people):
    job = _job(people.owner)
    client.force_login(people.owner)
    page = client.get(reverse("jobs:job", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "已完成" in html and 'value="100"' in html and reverse("jobs:download", args=[job.pk]) in html
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content) == "合计\n".encode()
    assert "attachment" in download["Content-Disposition"]


def test_progress_is_reported_while_the_job_waits(client, people):
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        job = _job(people.owner)
    client.force_login(people.owner)
    progress = client.get(reverse("jobs:progress", args=[job.pk])).json()
    assert progress == {
        "status": JobStatus.QUEUED,
        "status_label": "排队中",
        "done": 0,
        "total": 0,
        "percent": 0,
        "active": True,
    }
    html = client.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in html  # without JavaScript the page refreshes itself
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_nobody_else_sees_a_job(client, people):
    job = _job(people.owner)
    client.force_login(people.colleague)
    for name in ("jobs:job", "jobs:progress", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert list(client.get(reverse("jobs:list")).context["jobs"]) == []


def test_the_list_shows_ones_jobs_newest_first(client, people):
    first, second = _job(people.owner, "a"), _job(people.owner, "b")
    client.force_login(people.owner)
    assert [job.pk for job in client.get(reverse("jobs:list")).context["jobs"]] == [second.pk, first.pk]


@pytest.mark.usefixtures("pdf_cache")
def test_a_large_unit_export_is_a_job_whose_pdf_is_downloaded(client, samples, people):
    from projects.models import Department, Filing

    department = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    count = Filing.objects.filter(department=department, fiscal_year=2023).count()
    assert count > 10
    client.force_login(people.administrator)
    response = client.get(
        reverse("projects:department_pdf"), {"department": department.pk, "year": 2023, "output": "pdf"}
    )
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    job = client.get(response.url).context["job"]
    assert (job.status, job.done, job.total, job.user) == ("done", count, count, people.administrator)
    assert f"（PDF，{count} 张）" in job.title
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_district_export_covers_the_readers_units_of_the_district(client, samples, people):
    from projects.models import Department, Filing

    department = Department.objects.get(normalised_name="深圳市宝安区政务服务数据管理局(本级)")
    client.force_login(people.administrator)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):  # queued, not run
        response = client.get(
            reverse("projects:department_pdf"),
            {"department": department.pk, "year": 2023, "output": "zip", "whole_district": "on"},
        )
    job = client.get(response.url).context["job"]
    district = Filing.objects.filter(department__district=department.district, fiscal_year=2023)
    assert job.params == {"district": department.district, "year": 2023, "output": "zip", "stem": job.params["stem"]}
    assert job.params["stem"] == f"{department.district}_2023年_绩效目标申报表"
    assert f"（zip，{district.count()} 张）" in job.title and job.status == "queued"
