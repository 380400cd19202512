"""The face the form prints in: Noto Serif CJK SC cut down to the characters of GB 2312.

Noto Serif CJK SC holds 65,535 glyphs, and the simplified-Chinese punctuation sits at the end of
them. WeasyPrint keeps the glyph numbers when it embeds a subset of a font, so every PDF carried
tables for some 63,000 empty glyphs: about 850 KB to subset, compress and write again and again.
The cut-down face (GB 2312's 7,445 characters, the symbols forms use, and what shaping them as
simplified Chinese needs) numbers its glyphs from 1 to about 8,000: subsets an eighth the size, a smaller PDF,
and less time per form. A character outside it prints in the full Noto Serif CJK SC, which the
form's CSS names next, so nothing is lost; the face is only a shortcut for the common case.

Nothing here imports Django: ``build_print_font`` writes the face, ``form.css`` names it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Noto Serif CJK SC Common"
SOURCE_FAMILY = "Noto Serif CJK SC"
# Bumped whenever the characters or the way it is made change, so that a new face gets a new
# file name and, through the CSS that names it, new keys in the PDF cache.
FILE_NAME = "NotoSerifCJKsc-Common-3.otf"
EARLIER_FILES = "NotoSerifCJKsc-Common-*.otf"

# Beyond GB 2312, the symbols budget forms use: ㎡ ㎞ ℃ ‰ ≧ ≦, circled numbers, full-width forms.
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: × ÷ ° ± ·
    (0x2010, 0x2030),  # dashes, quotes, ‰
    (0x2100, 0x2122),  # ℃ № ™
    (0x2160, 0x216B),  # Roman numerals Ⅰ–Ⅻ
    (0x2190, 0x2199),  # arrows
    (0x2264, 0x2267),  # ≤ ≥ ≦ ≧
    (0x2460, 0x249B),  # ① ⑴ ⒈
    (0x3000, 0x303F),  # CJK punctuation: 、。〔〕「」
    (0x3380, 0x33DF),  # ㎎ ㎏ ㎜ ㎝ ㎞ ㎡ ㏄
    (0xFF01, 0xFF5E),  # full-width ASCII forms
)
# The forms are simplified Chinese: the layout rules the face has for the Japanese, Korean and
# traditional Chinese forms of the same characters would bring 5,500 glyphs more, and the cost of
# every PDF's font subset grows with the number of glyphs in the face.
KEPT_LANGUAGE = "ZHS "


def covered_characters() -> set[int]:
    """The code points the cut-down face holds: GB 2312 and ``EXTRA_RANGES``."""
    characters = {code for low, high in EXTRA_RANGES for code in range(low, high + 1)}
    for code in range(0x80, 0x10000):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        characters.add(code)
    return characters


def source_font() -> tuple[Path, int]:
    """The file and collection index of Noto Serif CJK SC, as fontconfig finds it."""
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}\n%{index}", f"{SOURCE_FAMILY}:style=Regular"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError) as error:
        raise FileNotFoundError(
            f"无法用 fc-match 查找字体 {SOURCE_FAMILY}（请安装 Debian 包 fontconfig）：{error}"
        ) from error
    path, index = Path(found[0]), int(found[-1]) if found[-1].isdigit() else 0
    family = TTFont(path, fontNumber=index, lazy=True)["name"].getDebugName(1) if path.is_file() else None
    if family != SOURCE_FAMILY:
        raise FileNotFoundError(
            f"找不到字体 {SOURCE_FAMILY}（请安装 Debian 包 fonts-noto-cjk），fontconfig 给出的是 {path}"
        )
    return path, index


def _rename(font: TTFont) -> None:
    """Gives the face a name of its own, so that it can never pass for the full Noto Serif CJK SC."""
    names = {1: FAMILY, 4: FAMILY, 6: FAMILY.replace(" ", ""), 16: FAMILY}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]


def _only_simplified_chinese_rules(font: TTFont) -> None:
    """Drops the language systems other than simplified Chinese; the subsetter then drops their rules
    and the glyphs only they reach. Text in no particular language keeps each script's default rules."""
    for table in ("GSUB", "GPOS"):
        if table not in font:
            continue
        for record in font[table].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [
                language for language in script.LangSysRecord if language.LangSysTag == KEPT_LANGUAGE
            ]
            script.LangSysCount = len(script.LangSysRecord)


def build(target: Path, *, characters: Iterable[int] | None = None) -> int:
    """Writes the cut-down face to ``target`` (atomically); returns its number of glyphs."""
    path, index = source_font()
    font = TTFont(path, fontNumber=index)
    options = subset.Options()
    # Every name, so that the face still says what it is made from and under which licence.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    _only_simplified_chinese_rules(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=covered_characters() if characters is None else characters)
    subsetter.subset(font)
    _rename(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, scratch = tempfile.mkstemp(dir=target.parent, prefix=".font-", suffix=".otf")
    os.close(descriptor)
    try:
        font.save(scratch)
        os.replace(scratch, target)
    finally:
        Path(scratch).unlink(missing_ok=True)
    return font["maxp"].numGlyphs
