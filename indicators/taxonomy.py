"""The indicator categories of a form template, as plain data.

The official Shenzhen 二级项目支出绩效目标申报表 is seeded from ``SHENZHEN_2020`` by a data
migration; other templates are rows in the database. ``Vocabulary`` resolves the labels that
filings actually write (``*数量指标``, ``工作时效``, ``产出指标``) to canonical category names,
and has no Django dependency so that parsers can use it alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Level2Spec:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Level1Spec:
    name: str
    children: tuple[Level2Spec, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    name: str
    levels: tuple[Level1Spec, ...]


SHENZHEN_2020 = TemplateSpec(
    code="sz-2020",
    name="二级项目支出绩效目标申报表（深圳）",
    levels=(
        Level1Spec(
            "产出",
            (
                Level2Spec("数量", required=True),
                Level2Spec("质量", required=True),
                Level2Spec("时效", required=True, aliases=("工作时效",)),
                Level2Spec("成本", required=True),
            ),
        ),
        Level1Spec(
            "效益",
            (
                Level2Spec("经济效益"),
                Level2Spec("社会效益", required=True),
                Level2Spec("生态效益", aliases=("生态环境效益",)),
                Level2Spec("可持续影响"),
            ),
        ),
        Level1Spec(
            "满意度",
            (
                Level2Spec("服务对象满意度", required=True),
                Level2Spec("其他满意度"),
            ),
        ),
    ),
)

# The 一级项目 form: its first row is 投入指标 / 测算明细 (the cost build-up); 时效 is written 工作时效.
# The form marks no category as required.
SHENZHEN_2020_PROGRAM = TemplateSpec(
    code="sz-2020-program",
    name="一级项目支出绩效目标申报表（深圳）",
    levels=(
        Level1Spec("投入", (Level2Spec("测算明细"),)),
        Level1Spec(
            "产出",
            (
                Level2Spec("数量"),
                Level2Spec("质量"),
                Level2Spec("时效", aliases=("工作时效",)),
                Level2Spec("成本"),
            ),
        ),
        Level1Spec(
            "效益",
            (
                Level2Spec("经济效益"),
                Level2Spec("社会效益"),
                Level2Spec("生态效益", aliases=("生态环境效益",)),
                Level2Spec("可持续影响"),
            ),
        ),
        Level1Spec("满意度", (Level2Spec("服务对象满意度"), Level2Spec("其他满意度"))),
    ),
)

# The 部门（单位）整体 form's 年度绩效指标: the 二级 form's categories, none marked as required.
SHENZHEN_2020_OVERALL = TemplateSpec(
    code="sz-2020-overall",
    name="部门（单位）整体支出绩效目标表（深圳）",
    levels=tuple(
        Level1Spec(
            level1.name,
            tuple(Level2Spec(level2.name, aliases=level2.aliases) for level2 in level1.children),
            aliases=level1.aliases,
        )
        for level1 in SHENZHEN_2020.levels
    ),
)

# Written in filings for a category that does not apply; one sample misspells it.
NOT_APPLICABLE_SPELLINGS = frozenset({"不适用", "不适应"})


def clean_label(label: str) -> str:
    """``*数量指标 `` → ``数量``: drop the required-marker, blanks and the 指标 suffix."""
    text = "".join(label.split()).lstrip("*＊")
    if text.endswith("指标") and len(text) > 2:
        text = text[: -len("指标")]
    return text


def is_not_applicable(text: str) -> bool:
    return "".join(text.split()) in NOT_APPLICABLE_SPELLINGS


@dataclass
class Vocabulary:
    """Maps every spelling of a category to its canonical (一级, 二级) names."""

    level1: dict[str, str] = field(default_factory=dict)
    level2: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_spec(cls, spec: TemplateSpec) -> Vocabulary:
        vocabulary = cls()
        for level1 in spec.levels:
            for spelling in (level1.name, *level1.aliases):
                vocabulary.level1[clean_label(spelling)] = level1.name
            for level2 in level1.children:
                for spelling in (level2.name, *level2.aliases):
                    vocabulary.level2[clean_label(spelling)] = (level1.name, level2.name)
        return vocabulary

    def level1_of(self, label: str) -> str | None:
        return self.level1.get(clean_label(label))

    def level2_of(self, label: str) -> tuple[str, str] | None:
        return self.level2.get(clean_label(label))
