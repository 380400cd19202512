import io
import zipfile

import weasyprint
from pypdf import PdfReader

from projects.printing.bundle import merge_pdfs, zip_files
from tests.helpers.pdfs import page_texts


def _pdf(*pages: str) -> bytes:
    body = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    return weasyprint.HTML(string=f'<html lang="zh-Hans"><body>{body}</body></html>').write_pdf()


def test_merging_keeps_every_page_in_order_and_sets_the_title():
    merged = merge_pdfs([_pdf("甲一", "甲二"), _pdf("乙一"), _pdf("丙一", "丙二", "丙三")], title="测试单位_2023年")
    assert page_texts(merged) == ["甲一", "甲二", "乙一", "丙一", "丙二", "丙三"]
    metadata = PdfReader(io.BytesIO(merged)).metadata
    assert metadata is not None and metadata.title == "测试单位_2023年"


def test_the_zip_holds_the_files_as_given():
    archive = zipfile.ZipFile(io.BytesIO(zip_files([("甲.pdf", b"%PDF-1"), ("乙.pdf", b"%PDF-2")])))
    assert archive.namelist() == ["甲.pdf", "乙.pdf"]
    assert archive.read("乙.pdf") == b"%PDF-2"
