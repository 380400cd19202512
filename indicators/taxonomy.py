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
class ExtraField:
    """A header field a layout prints that the kind of form does not have (甘肃: 资金用途, 项目开始日期…):
    kept with the filing under ``label`` as written text, shown, exported and printed. ``long`` fields
    are free text across the form's width; ``amount`` fields are money in the form's unit."""

    label: str
    spellings: tuple[str, ...] = ()
    long: bool = False
    amount: bool = False


# The columns an indicator table may have beyond its categories, by the name of the row attribute
# that keeps each (``indicators.models.Indicator``): the heading a form prints and the other headings
# files write for it. A layout lists the ones it has, in its order.
INDICATOR_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("三级指标", ("指标名称", "三级指标名称", "指标内容")),
    "nature": ("指标性质", ("计算符号", "符号", "比较符")),
    "value": ("指标值", ("目标值", "指标值及单位", "年度指标值", "指标目标值")),
    "measure": ("度量单位", ("计量单位", "单位")),
    "weight": ("权重", ("权重（%）", "权重(%)")),
    "direction": ("指标方向性", ("指标方向", "方向")),
    "explanation": ("指标解释", ("指标说明", "绩效标准")),
    "basis": ("指标值设定依据", ("设定依据", "指标值确定依据")),
    "score": ("分值", ("分数",)),
    "remark": ("备注", ()),
}
# Rows beyond the kind's own three (三级指标 · 指标值 · 指标解释) keep these as written.
EXTRA_COLUMNS = ("nature", "measure", "weight", "direction", "basis", "score", "remark")


@dataclass(frozen=True)
class TemplateSpec:
    """A layout of a kind of form: its categories and, where it differs from the kind's own, its
    indicator columns, its header (fields it adds, relabels or leaves out) and what its checks hold:
    whether the weights add up and to what, and the shape of its project codes."""

    code: str
    name: str
    levels: tuple[Level1Spec, ...]
    columns: tuple[str, ...] = ()  # empty: the kind's own columns
    extra_header: tuple[ExtraField, ...] = ()
    field_labels: tuple[tuple[str, str], ...] = ()  # (kind's field, this layout's label for it)
    omitted: tuple[str, ...] = ()  # the kind's fields this layout does not have
    weights_total: int | None = None
    weights_note: str = ""
    code_pattern: str = r"[0-9]{21}"
    code_shape: str = "21位数字"
    title: str = ""

    def label_of(self, field_name: str) -> str | None:
        return dict(self.field_labels).get(field_name)


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

# Since 财预〔2021〕101号 the common layout makes 成本 a 一级指标 of its own, between 产出 and 效益, and
# splits the target into 指标性质 (≥ ≤ = or 定性), 指标值 and 度量单位, with a weight per row.
_NATIONAL_LEVELS = (
    Level1Spec(
        "产出",
        (
            Level2Spec("数量", required=True),
            Level2Spec("质量", required=True),
            Level2Spec("时效", required=True, aliases=("工作时效",)),
        ),
    ),
    Level1Spec(
        "成本",
        (
            Level2Spec("经济成本", required=True),
            Level2Spec("社会成本"),
            Level2Spec("生态环境成本", aliases=("生态成本",)),
        ),
    ),
    *SHENZHEN_2020.levels[1:],  # 效益 and 满意度 as Shenzhen has them
)
NATIONAL_CODE = r"[0-9]{8}[0-9A-Z][0-9]{12}"
NATIONAL_CODE_SHAPE = "21位：6位行政区划代码、2位年度、1位字母或数字和12位数字"

NATIONAL_2021 = TemplateSpec(
    code="cn-2021",
    name="项目支出绩效目标表（全国通用，财预〔2021〕101号）",
    levels=_NATIONAL_LEVELS,
    columns=("name", "nature", "value", "measure", "explanation", "basis", "weight"),
    weights_total=100,
    code_pattern=NATIONAL_CODE,
    code_shape=NATIONAL_CODE_SHAPE,
    title="项目支出绩效目标表",
)

_FUNDS = ("中央补助安排", "省级财政安排", "其他资金")
GANSU_2023 = TemplateSpec(
    code="gs-2023",
    name="省级部门预算项目支出绩效目标表（甘肃）",
    levels=_NATIONAL_LEVELS,
    columns=("name", "value"),
    extra_header=(
        ExtraField("项目开始日期"),
        ExtraField("项目完成日期"),
        ExtraField("资金用途"),
        *(ExtraField(label, amount=True) for label in _FUNDS),
        ExtraField("资金性质"),
        ExtraField("基本情况", long=True),
        ExtraField("项目立项必要性", long=True),
        ExtraField("保证项目实施的制度措施", long=True),
        ExtraField("项目实施计划", long=True),
        ExtraField("组织实施单位"),
        ExtraField("监督管理单位"),
        ExtraField("其他依据", long=True),
        ExtraField("需要说明的其他问题", long=True),
    ),
    # 甘肃 prints 是否新增 as 项目类型 (新增项目 / 延续项目) and the type of work as 项目分类.
    field_labels=(("is_new", "项目类型"), ("project_type", "项目分类")),
    omitted=("duration_years", "allocation", "calculation_basis", "long_term_goal"),
    code_pattern=NATIONAL_CODE,
    code_shape=NATIONAL_CODE_SHAPE,
    title="省级部门预算项目支出绩效目标表",
)

SICHUAN_2023 = TemplateSpec(
    code="sc-2023",
    name="部门预算项目绩效目标申报表（四川一体化）",
    levels=(
        Level1Spec(
            "产出",
            (
                Level2Spec("数量", required=True),
                Level2Spec("质量"),
                Level2Spec("时效"),
                Level2Spec("成本"),
            ),
        ),
        *SHENZHEN_2020.levels[1:],
    ),
    columns=("name", "nature", "value", "measure", "weight", "direction"),
    extra_header=(ExtraField("部门预算数", amount=True),),
    omitted=(
        "duration_years",
        "project_type",
        "is_new",
        "allocation",
        "total_amount",
        "policy_basis",
        "calculation_basis",
        "long_term_goal",
    ),
    weights_total=90,
    weights_note="另 10 分为预算执行率",
    code_pattern=NATIONAL_CODE,
    code_shape=NATIONAL_CODE_SHAPE,
    title="部门预算项目绩效目标申报表",
)

# Every layout of the 二级 form the application knows, the Shenzhen one first (the default).
PROJECT_LAYOUTS = (SHENZHEN_2020, NATIONAL_2021, GANSU_2023, SICHUAN_2023)

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
