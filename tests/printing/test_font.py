import io
from pathlib import Path

import pytest
import weasyprint
from django.core.management import CommandError, call_command
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageOps
from weasyprint.text.fonts import FontConfiguration

from projects.printing import engine, font
from projects.services.pdf import form_css, print_font_path
from tests.helpers.pdfs import all_text, font_names, page_images

COMMON = "二级项目支出绩效目标申报表，覆盖率≥95%、差错率≤0.5%：758.79㎡（一）〔2023〕"
RARE = "堃"  # in Noto Serif CJK SC and in GBK, not in GB 2312


def _bounds(face: TTFont, character: str):
    glyphs = face.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[face.getBestCmap()[ord(character)]].draw(pen)
    return pen.bounds


def test_the_cut_down_face_covers_gb2312_and_the_symbols_forms_use_but_not_rarer_characters():
    covered = font.covered_characters()
    assert set(map(ord, COMMON + "深圳宝安福田深汕政务服务数据管理局")) <= covered
    assert ord(RARE) not in covered
    assert 7000 < len(covered) < 9000


def test_a_face_built_for_some_characters_maps_exactly_those_with_the_outlines_of_the_source(tmp_path):
    target = tmp_path / "face.otf"
    glyph_count = font.build(target, characters=map(ord, "绩效≥㎡"))
    face, (source_path, index) = TTFont(target), font.source_font()
    source = TTFont(source_path, fontNumber=index, lazy=True)
    # The shaping features may bring in a neighbour of a character asked for (≤ with ≥), no more.
    assert set(map(ord, "绩效≥㎡")) <= set(face.getBestCmap()) <= set(map(ord, "绩效≥㎡≤"))
    assert glyph_count == face["maxp"].numGlyphs < 20
    # A name of its own: installed by mistake, it could not pass for the full face.
    assert face["name"].getDebugName(1) == font.FAMILY != source["name"].getDebugName(1)
    for character in "绩≥㎡":
        assert _bounds(face, character) == _bounds(source, character)


def _inked_span(face: str, text: str, directory) -> tuple[int, int]:
    """From where to where ``text`` prints across the page in ``face`` (a face file's URL or an
    installed family), in pixels at 150 dpi."""
    # A font configuration of its own: the engine's keeps the faces it has seen for the process.
    fonts = FontConfiguration()
    rules = (
        f'@font-face {{ font-family: "T"; src: url("{face}"); }} p {{ font: 10pt "T"; }}'
        if "://" in face
        else f'p {{ font: 10pt "{face}"; }}'
    )
    html = weasyprint.HTML(string=f'<html lang="zh-Hans"><body><p>{text}</p></body></html>')
    pdf = html.write_pdf(stylesheets=[weasyprint.CSS(string=rules, font_config=fonts)], font_config=fonts)
    [page] = page_images(pdf, directory, dpi=150)
    box = ImageOps.invert(Image.open(io.BytesIO(page)).convert("L")).getbbox()
    assert box is not None, "nothing was printed"
    left, _, right, _ = box
    return left, right


def test_the_cut_down_face_prints_simplified_chinese_as_the_full_face_and_keeps_no_other_language_rules(tmp_path):
    text = "（2023——2025年）“效能”"
    target = tmp_path / "face.otf"
    font.build(target, characters=map(ord, text))
    # The dash is full-width in Chinese text by the face's locl rules: a face without that feature
    # prints it narrow, and the rest of the line moves.
    cut_down, full = (
        _inked_span(target.as_uri(), text, tmp_path / "cut"),
        _inked_span(font.SOURCE_FAMILY, text, tmp_path / "full"),
    )
    assert cut_down == pytest.approx(full, abs=1)
    languages = {
        language.LangSysTag
        for table in ("GSUB", "GPOS")
        for record in TTFont(target)[table].table.ScriptList.ScriptRecord
        for language in record.Script.LangSysRecord
    }
    assert languages == {"ZHS "}


def test_the_form_prints_in_the_cut_down_face_and_a_character_outside_it_in_the_full_noto_face(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert "@font-face" not in form_css()

    footer = "第页共 0123456789"
    font.build(print_font_path(), characters=map(ord, COMMON + footer))
    first_css = form_css()
    font.build(print_font_path(), characters=map(ord, COMMON + footer + "王"))
    assert print_font_path().as_uri() in form_css()
    # The CSS, and with it every cached PDF's key, follows the face's content.
    assert form_css() != first_css
    common_only = engine.pdf_of(f"<html><body><p>{COMMON}</p></body></html>", form_css())
    assert font_names(common_only) == {"Noto-Serif-CJK-SC-Common"}
    with_rare = engine.pdf_of(f'<html><body><p>{COMMON}</p><p class="rare">王{RARE}</p></body></html>', form_css())
    assert font_names(with_rare) == {"Noto-Serif-CJK-SC-Common", "Noto-Serif-CJK-SC"}
    assert f"王{RARE}" in all_text(with_rare)


def test_build_print_font_writes_the_face_once_and_again_when_forced(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(font, "covered_characters", lambda: set(map(ord, "申报表")))
    earlier = tmp_path / "fonts" / "NotoSerifCJKsc-Common-0.otf"
    earlier.parent.mkdir()
    earlier.write_bytes(b"OTTO")
    call_command("build_print_font")
    assert list((tmp_path / "fonts").iterdir()) == [print_font_path()]
    built = print_font_path().stat().st_mtime_ns
    assert set(TTFont(print_font_path()).getBestCmap()) >= set(map(ord, "申报表"))

    call_command("build_print_font")
    assert print_font_path().stat().st_mtime_ns == built
    call_command("build_print_font", "--force")
    assert print_font_path().stat().st_mtime_ns != built


def test_build_print_font_says_what_is_missing(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path

    def no_source():
        raise FileNotFoundError("找不到字体 Noto Serif CJK SC（请安装 Debian 包 fonts-noto-cjk）")

    monkeypatch.setattr(font, "source_font", no_source)
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("build_print_font")


def test_a_face_that_fails_half_written_leaves_no_file_behind(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(font, "covered_characters", lambda: set(map(ord, "申报表")))

    def disk_full(self, path):
        Path(path).write_bytes(b"OTTO")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(TTFont, "save", disk_full)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("build_print_font")
    assert list((tmp_path / "fonts").iterdir()) == []


def test_without_fc_match_the_source_font_cannot_be_found_and_the_message_says_which_package_to_install(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "fc-match")

    monkeypatch.setattr(font.subprocess, "run", missing)
    with pytest.raises(FileNotFoundError, match="请安装 Debian 包 fontconfig"):
        font.source_font()
