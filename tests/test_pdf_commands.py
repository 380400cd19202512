import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from projects.models import Assignment, Department, Filing, Role, Status
from projects.services.review import filing_approve
from tests.helpers.pdfs import all_text, footers, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

SMALL_UNIT = "深圳市福田区政务服务中心"


@pytest.fixture
def three_projects(samples):
    unit = Department.objects.get(name=SMALL_UNIT)
    keep = list(unit.filings.order_by("code").values_list("pk", flat=True)[:3])
    unit.filings.exclude(pk__in=keep).update(fiscal_year=2021)
    return unit.filings.filter(pk__in=keep)


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_pdf_writes_one_pdf_with_every_project_of_the_department_and_year(three_projects, tmp_path):
    output = tmp_path / "out" / "futian.pdf"
    # Half-width brackets and a part of the name are enough when only one unit matches.
    printed = _run("export_pdf", "--department", "福田区政务服务中心", "--year", "2022", "--output", str(output))
    assert printed.startswith(f"3 张申报表 → {output}")
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
    with pytest.raises(CommandError, match="在2019年度没有可导出的申报表"):
        _run("export_pdf", "--department", SMALL_UNIT, "--year", "2019", "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_export_pdf_for_a_user_exports_only_what_the_user_may_see(three_projects, tmp_path):
    user = User.objects.create(username="baoan")
    Assignment.objects.create(
        user=user, department=Department.objects.get(name="深圳市宝安区政务服务数据管理局(本级)"), role=Role.FILER
    )
    with pytest.raises(CommandError, match=f"{SMALL_UNIT}在2022年度没有可导出的申报表"):
        _run(
            "export_pdf", "--department", SMALL_UNIT, "--year", "2022", "--user", "baoan", "-o", str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()


IMAGE_STEMS = ["form-440304221061500600010", "form-440306210601500000540", "form-program-2021", "form-overall-2023"]


def test_render_form_images_writes_every_page_of_the_four_sample_forms(samples, tmp_path):
    printed = _run("render_form_images", "--output", str(tmp_path), "--dpi", "30")
    written = sorted(path.name for path in tmp_path.glob("*.png"))
    assert printed.split() == [str(tmp_path / name) for name in sorted(written, key=_page_order)]
    for stem in IMAGE_STEMS:
        pages = [name for name in written if name.startswith(f"{stem}-")]
        assert pages and f"{stem}-1.png" in pages
        assert all((tmp_path / name).read_bytes().startswith(b"\x89PNG") for name in pages)


def test_render_form_images_renders_the_forms_it_is_given_by_code(samples, tmp_path):
    printed = _run("render_form_images", "440306210601500000540", "--output", str(tmp_path), "--dpi", "30")
    written = sorted(path.name for path in tmp_path.glob("*.png"))
    assert written and all(name.startswith("form-440306210601500000540-") for name in written)
    assert printed.split() == [str(tmp_path / name) for name in sorted(written, key=_page_order)]


def _page_order(name: str):
    stem, page = Path(name).stem.rsplit("-", 1)
    return IMAGE_STEMS.index(stem), int(page)


def test_render_form_images_explains_a_missing_sample(empty_database, tmp_path):
    with pytest.raises(CommandError, match="load_demo"):
        _run("render_form_images", "--output", str(tmp_path))


def test_export_pdf_prints_the_review_of_an_approved_project(three_projects, tmp_path):
    project = three_projects.order_by("code").first()
    reviewer = User.objects.create(username="li", first_name="丽", last_name="李")
    Assignment.objects.create(user=reviewer, department=project.department, role=Role.REVIEWER)
    Filing.objects.filter(pk=project.pk).update(status=Status.SUBMITTED)
    filing_approve(filing=Filing.objects.get(pk=project.pk), user=reviewer, comment="同意申报。")
    output = tmp_path / "futian.pdf"
    _run("export_pdf", "--department", SMALL_UNIT, "--year", "2022", "-o", str(output))
    text = all_text(output.read_bytes())
    assert text.count("审核意见同意申报。") == 1
    assert text.count("审核人：李丽") == 1
    assert text.count("审核状态草稿") == 2


def test_export_pdf_prints_a_units_overall_form_then_its_program_forms(samples, tmp_path):
    output = tmp_path / "dapeng.pdf"
    printed = _run("export_pdf", "--department", "大鹏新区政务服务数据管理局", "--year", "2021", "-o", str(output))
    assert printed.startswith(f"8 张申报表 → {output}")
    pdf = output.read_bytes()
    first_pages = [text for text, (page, _) in zip(page_texts(pdf), footers(pdf), strict=True) if page == 1]
    assert len(first_pages) == 8
    assert "部门（单位）整体支出绩效目标表" in first_pages[0]
    assert all("一级项目支出绩效目标申报表" in text for text in first_pages[1:])
    names = sorted(Filing.objects.filter(kind="program", fiscal_year=2021).values_list("name", flat=True))
    assert [next(name for name in names if name in text) for text in first_pages[1:]] == names
