"""Indicator categories (reference data per form template) and the 三级指标 rows of a filing."""

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from simple_history.models import HistoricalRecords

from indicators.taxonomy import ExtraField, Level1Spec, Level2Spec, TemplateSpec, Vocabulary
from indicators.values import KIND_LABELS, combined_target, value_parts
from projects.kinds.base import CELL_TEXT, length_limits

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class FormTemplate(models.Model):
    """A version of the 申报表 with its own 一级/二级 categories.

    The categories are data so that another template (the national 2021 one makes 成本 a
    一级指标) needs rows, not code.
    """

    code = models.SlugField("模板代码", max_length=40, unique=True)
    name = models.CharField("模板名称", max_length=100)
    # The kind of 申报表 (projects.kinds) whose indicator table the template's categories make up.
    kind = models.CharField("申报表类型", max_length=20, default="project")
    is_default = models.BooleanField("默认模板", default=False, help_text="同类申报表新建和导入时使用的模板")
    # The layout, where it differs from the kind's own (indicators.taxonomy.TemplateSpec says what each means).
    printed_title = models.CharField("表样标题", max_length=100, blank=True)
    columns = models.JSONField("指标表栏目", default=list, blank=True, help_text="为空时使用本类申报表的栏目")
    extra_header = models.JSONField("增加的表头栏目", default=list, blank=True)
    field_labels = models.JSONField("改名的表头栏目", default=dict, blank=True)
    omitted_fields = models.JSONField("不使用的表头栏目", default=list, blank=True)
    weights_total = models.PositiveSmallIntegerField(
        "权重合计", null=True, blank=True, help_text="各三级指标的权重须加总为此数；为空时不检查权重"
    )
    weights_note = models.CharField("权重说明", max_length=100, blank=True)
    code_pattern = models.CharField("项目编码格式（正则表达式）", max_length=100, default=r"[0-9]{21}")
    code_shape = models.CharField("项目编码格式说明", max_length=100, default="21位数字")

    class Meta:
        verbose_name = verbose_name_plural = "申报表模板"
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_default=True), name="one_default_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls, kind: str = "project") -> "FormTemplate":
        """The template new filings of ``kind`` use."""
        return cls.objects.get(kind=kind, is_default=True)

    def spec(self, *, prefetched: bool = False) -> TemplateSpec:
        """The template as plain data, with its categories in the official order. ``prefetched``: the
        template was read with ``prefetch_related("level1_categories__children")``."""
        levels = []
        level1s = self.level1_categories.all() if prefetched else self.level1_categories.prefetch_related("children")
        for level1 in level1s:
            children = tuple(
                Level2Spec(child.name, required=child.required, aliases=tuple(child.aliases))
                for child in level1.children.all()
            )
            levels.append(Level1Spec(level1.name, children, aliases=tuple(level1.aliases)))
        return dataclasses.replace(self.layout(), levels=tuple(levels))

    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_spec(self.spec())

    def layout(self) -> TemplateSpec:
        """The template's layout without its categories: what the filing page, the parsers' labels
        and the printed form need, read from this row alone."""
        return TemplateSpec(
            code=self.code,
            name=self.name,
            levels=(),
            columns=tuple(self.columns),
            extra_header=tuple(
                ExtraField(
                    item["label"],
                    tuple(item.get("spellings", ())),
                    long=bool(item.get("long")),
                    amount=bool(item.get("amount")),
                )
                for item in self.extra_header
            ),
            field_labels=tuple(self.field_labels.items()),
            omitted=tuple(self.omitted_fields),
            weights_total=self.weights_total,
            weights_note=self.weights_note,
            code_pattern=self.code_pattern,
            code_shape=self.code_shape,
            title=self.printed_title,
        )


class Level1Category(models.Model):
    template = models.ForeignKey(
        FormTemplate, on_delete=models.CASCADE, related_name="level1_categories", verbose_name="模板"
    )
    name = models.CharField("一级指标", max_length=30)
    order = models.PositiveSmallIntegerField("顺序")
    aliases = models.JSONField("别名", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "一级指标"
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "name"], name="unique_level1_per_template")]

    def __str__(self):
        return self.name


class Level2Category(models.Model):
    parent = models.ForeignKey(
        Level1Category, on_delete=models.CASCADE, related_name="children", verbose_name="一级指标"
    )
    name = models.CharField("二级指标", max_length=30)
    order = models.PositiveSmallIntegerField("顺序")
    required = models.BooleanField("必填", default=False, help_text="官方表样中以 * 标记")
    aliases = models.JSONField("别名", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "二级指标"
        ordering = ["parent__template", "parent__order", "order"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="unique_level2_per_level1")]

    def __str__(self):
        return f"{self.parent.name} / {self.name}"


class Comparator(models.TextChoices):
    GE = "≥", "≥"
    LE = "≤", "≤"
    GT = ">", ">"
    LT = "<", "<"
    EQ = "=", "="


class Indicator(models.Model):
    """One row of a filing's indicator table, whatever its kind.

    The columns are those of the 二级 form (三级指标 · 指标值 · 指标解释); the other forms print the
    same attributes under their own headings (一级: 指标内容 · 指标值, where the 投入指标 / 测算明细
    row's 指标内容 is the whole cost build-up; 部门整体: 三级指标 · 目标值). ``projects.kinds``
    says which columns each kind shows.
    """

    filing = models.ForeignKey(
        "projects.Filing", on_delete=models.CASCADE, related_name="indicators", verbose_name="申报表"
    )
    category = models.ForeignKey(Level2Category, on_delete=models.PROTECT, verbose_name="二级指标")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("三级指标", max_length=2000, blank=True)
    value = models.CharField("指标值", max_length=200, blank=True)
    explanation = models.TextField("指标解释", max_length=CELL_TEXT, blank=True)
    # The columns other layouts add (indicators.taxonomy.INDICATOR_COLUMNS), as the form wrote them.
    nature = models.CharField("指标性质", max_length=20, blank=True)
    measure = models.CharField("度量单位", max_length=20, blank=True)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, null=True, blank=True)
    direction = models.CharField("指标方向性", max_length=20, blank=True)
    basis = models.CharField("指标值设定依据", max_length=100, blank=True)
    score = models.CharField("分值", max_length=20, blank=True)
    remark = models.CharField("备注", max_length=200, blank=True)
    not_applicable = models.BooleanField("不适用", default=False)
    # The value as indicators.values.parse_value reads it: ≥90% → quantity ≥ 90 %;
    # 2023年12月前 → deadline ≤ 2023-12-31; 显著 → qualitative. Stored for queries and display.
    value_kind = models.CharField("指标值类型", max_length=12, choices=list(KIND_LABELS.items()), blank=True)
    comparator = models.CharField("比较符", max_length=2, choices=Comparator.choices, blank=True)
    number = models.DecimalField("数值", max_digits=20, decimal_places=6, null=True, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    source_line = models.PositiveIntegerField("来源行号", null=True, blank=True)
    # Row-level trace of edits made in the browser (who changed which 三级指标 row, when).
    history = HistoricalRecords(
        excluded_fields=["value_kind", "comparator", "number", "unit", "deadline", "source_line"]
    )
    # Who made a change and when, set before a save or a deletion for django-simple-history to record.
    _history_user: "User | None"
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "三级指标"
        ordering = ["filing_id", "category__parent__order", "category__order", "position"]
        indexes = [models.Index(fields=["filing", "position"])]
        constraints = length_limits("indicator", {"explanation": CELL_TEXT})

    def __str__(self):
        return self.name or "不适用"

    @property
    def target(self) -> str:
        """The target as one text, where a layout splits it over 指标性质 · 指标值 · 度量单位."""
        return combined_target(self.nature, self.value, self.measure)

    def read_value(self) -> None:
        """Stores the parsed parts of the value beside it; a 不适用 row has none."""
        for name, part in value_parts(self.target, not_applicable=self.not_applicable).items():
            setattr(self, name, part)
