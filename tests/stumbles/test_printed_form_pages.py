"""What the pages of a printed form hold.

2. A 一级 group is cut, and labelled again, only at a page break: no page shows the same 一级 label
   twice. Each form below did: "产出" over 数量 and 质量, then a second "产出" over 时效 and 成本 on
   the same page; "效益" twice; "满意度" twice.
3. The review and signature block never stands alone on a page (it did on the last page of the
   first two forms below), and it carries what a stamped form does: 填报单位（盖章）, 填表人, 联系电话, 日期.
"""

import re
import subprocess
from collections import Counter

import pytest
from django.utils import timezone

from projects.models import Filing
from projects.services import review
from projects.services.pdf import filing_pdf
from tests.helpers.filings import make_program
from tests.helpers.pdfs import page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_cache")]

# (kind, code or name): where the sample forms printed a label twice on a page, or the review alone.
FORMS = [
    ("project", "440304221061500600010"),  # 满意度 twice on page 2, the review alone on page 3
    ("project", "440304221061500000004"),  # the review alone on page 2
    ("project", "440304221061500000003"),  # 产出 twice on page 1
    ("project", "440306231270300905000"),  # 效益 twice on page 1
    ("program", "科学技术管理事务"),  # 效益 twice on page 1
]
LEVEL1 = {"投入", "产出", "效益", "满意度"}
# The 一级 column: 11 % of the 180 mm between the side margins of 15 mm, in points.
LEVEL1_COLUMN = (15 * 72 / 25.4 - 1, (15 + 180 * 0.11) * 72 / 25.4)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')


def _level1_heads(pdf: bytes, tmp_path) -> list[Counter]:
    """The 一级 labels printed in the 一级 column of each page, counted (words and where they start,
    by poppler's pdftotext)."""
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    words = subprocess.run(["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True).stdout
    return [
        Counter(
            word
            for x, word in WORD.findall(page)
            if word in LEVEL1 and LEVEL1_COLUMN[0] <= float(x) <= LEVEL1_COLUMN[1]
        )
        for page in words.split("<page ")[1:]
    ]


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    """The sample forms' PDFs, printed once for the tests of this module."""
    with django_db_blocker.unblock():
        forms = {}
        for kind, identity in FORMS:
            filing = Filing.objects.get(kind=kind, **({"code": identity} if kind == "project" else {"name": identity}))
            forms[identity] = filing_pdf(filing=filing)
        return forms


def test_no_page_labels_a_level1_group_twice(printed, tmp_path):
    for identity, pdf in printed.items():
        pages = _level1_heads(pdf, tmp_path)
        assert {"产出", "效益", "满意度"} <= set().union(*pages), identity  # the labels are found where printed
        assert [sorted(label for label, count in page.items() if count > 1) for page in pages] == [[]] * len(pages), (
            identity
        )


def test_the_review_block_is_printed_with_the_last_rows_of_the_table(printed):
    for identity, pdf in printed.items():
        pages = page_texts(pdf)
        assert len(pages) >= 2, identity
        assert "一级指标二级指标" in pages[-1] and "满意度" in pages[-1], identity
        assert "审核状态" in pages[-1] and "填报单位（盖章）：" in pages[-1], identity
        assert not any("审核状态" in page for page in pages[:-1]), identity


def test_the_signature_block_names_the_unit_and_who_submitted_the_form_and_when(people, make_filing):
    filing = make_filing(people.unit_a)
    review.filing_submit(filing=filing, user=people.owner)
    today = timezone.localdate()

    text = "".join(page_texts(filing_pdf(filing=Filing.objects.get(pk=filing.pk))))

    assert "填报单位（盖章）：深圳市宝安区测试数据管理局（本级）" in text
    assert f"填表人：王填报联系电话：日期：{today.year}年{today.month}月{today.day}日审核人：日期：" in text


def test_a_form_that_states_its_filler_and_phone_signs_with_them(people):
    filing = make_program(people.unit_a, filler="李四", phone="0755-12345678")
    review.filing_submit(filing=filing, user=people.owner)
    today = timezone.localdate()

    text = "".join(page_texts(filing_pdf(filing=Filing.objects.get(pk=filing.pk))))

    assert f"填表人：李四联系电话：0755-12345678日期：{today.year}年{today.month}月{today.day}日审核人：" in text
