import pytest

from projects.models import Project
from projects.printing import chromium
from projects.printing.form import render_forms_html
from projects.services.pdf import form_css
from tests.helpers.pdfs import all_text

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]


def test_chromium_prints_the_same_forms_one_after_the_other(samples, tmp_path):
    projects = list(Project.objects.order_by("code")[:2])
    document = chromium.one_document(render_forms_html(projects), form_css())
    assert document.count("二级项目支出绩效目标申报表</h1>") == 2
    output = tmp_path / "chromium.pdf"
    chromium.print_to_pdf(document, output)
    text = all_text(output.read_bytes())
    assert all(project.code in text for project in projects)
