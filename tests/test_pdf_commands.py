import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from projects.models import Assignment, Department, Project, Role, Status
from projects.services.review import project_approve
from tests.helpers.pdfs import all_text, footers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

SMALL_UNIT = "深圳市福田区政务服务中心"


@pytest.fixture
def three_projects(samples):
    unit = Department.objects.get(name=SMALL_UNIT)
    keep = list(unit.projects.order_by("code").values_list("pk", flat=True)[:3])
    unit.projects.exclude(pk__in=keep).update(fiscal_year=2021)
    return unit.projects.filter(pk__in=keep)


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_pdf_writes_one_pdf_with_every_project_of_the_department_and_year(three_projects, tmp_path):
    output = tmp_path / "out" / "futian.pdf"
    # Half-width brackets and a part of the name are enough when only one unit matches.
    printed = _run("export_pdf", "--department", "福田区政务服务中心", "--year", "2022", "--output", str(output))
    assert "3 个项目" in printed
    pdf = output.read_bytes()
    assert sum(1 for page, _ in footers(pdf) if page == 1) == 3
    text = all_text(pdf)
    assert all(project.code in text for project in three_projects)


def test_export_pdf_writes_a_zip_of_one_pdf_per_project(three_projects, tmp_path):
    output = tmp_path / "futian.zip"
    _run("export_pdf", "--department", SMALL_UNIT, "--year", "2022", "--zip", "-o", str(output))
    names = zipfile.ZipFile(output).namelist()
    assert sorted(name[:21] for name in names) == sorted(project.code for project in three_projects)


def test_export_pdf_names_the_problem_with_an_unknown_or_ambiguous_department(samples, tmp_path):
    with pytest.raises(CommandError, match="没有预算单位“不存在的单位”"):
        _run("export_pdf", "--department", "不存在的单位", "--year", "2022", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="对应多个预算单位"):
        _run("export_pdf", "--department", "福田区", "--year", "2022", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="在2019年度没有可导出的项目"):
        _run("export_pdf", "--department", SMALL_UNIT, "--year", "2019", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_export_pdf_for_a_user_exports_only_what_the_user_may_see(three_projects, tmp_path):
    user = User.objects.create(username="baoan")
    Assignment.objects.create(
        user=user, department=Department.objects.get(name="深圳市宝安区政务服务数据管理局(本级)"), role=Role.FILER
    )
    with pytest.raises(CommandError, match="没有可导出的项目"):
        _run(
            "export_pdf", "--department", SMALL_UNIT, "--year", "2022", "--user", "baoan", "-o", str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()


def test_render_form_images_writes_every_page_of_the_two_sample_forms(samples, tmp_path):
    printed = _run("render_form_images", "--output", str(tmp_path), "--dpi", "30")
    written = sorted(path.name for path in tmp_path.glob("*.png"))
    assert printed.split() == [str(tmp_path / name) for name in sorted(written, key=_page_order)]
    for code in ["440304221061500600010", "440306210601500000540"]:
        pages = [name for name in written if name.startswith(f"form-{code}-")]
        assert pages and f"form-{code}-1.png" in pages
        assert all((tmp_path / name).read_bytes().startswith(b"\x89PNG") for name in pages)


def _page_order(name: str):
    code, page = Path(name).stem.rsplit("-", 1)
    order = {"form-440304221061500600010": 0, "form-440306210601500000540": 1}
    return order[code], int(page)


def test_render_form_images_explains_a_missing_sample(empty_database, tmp_path):
    with pytest.raises(CommandError, match="load_demo"):
        _run("render_form_images", "--output", str(tmp_path))


def test_export_pdf_prints_the_review_of_an_approved_project(three_projects, tmp_path):
    project = three_projects.order_by("code").first()
    reviewer = User.objects.create(username="li", first_name="丽", last_name="李")
    Assignment.objects.create(user=reviewer, department=project.applicant, role=Role.REVIEWER)
    Project.objects.filter(pk=project.pk).update(status=Status.SUBMITTED)
    project_approve(project=Project.objects.get(pk=project.pk), user=reviewer, comment="同意申报。")
    output = tmp_path / "futian.pdf"
    _run("export_pdf", "--department", SMALL_UNIT, "--year", "2022", "-o", str(output))
    text = all_text(output.read_bytes())
    assert text.count("审核意见同意申报。") == 1
    assert text.count("审核人：李丽") == 1
    assert text.count("审核状态草稿") == 2
