"""Per-template rule settings, and the stored result of checking each project."""

from django.db import models

from checks.findings import ERROR, SEVERITY_LABELS, WARNING, Finding
from checks.registry import RULES, RULES_BY_ID


def _rule_choices():
    return [(rule.id, f"规则{rule.number}：{rule.title}") for rule in RULES]


class RuleSetting(models.Model):
    """Switches one rule off, or changes its severity, for the projects of one form template.

    Without a setting a rule runs with its own severity.
    """

    template = models.ForeignKey(
        "indicators.FormTemplate", on_delete=models.CASCADE, related_name="rule_settings", verbose_name="申报表模板"
    )
    rule_id = models.CharField("检查规则", max_length=40, choices=_rule_choices)
    enabled = models.BooleanField("启用", default=True)
    severity = models.CharField(
        "严重程度",
        max_length=10,
        blank=True,
        choices=[("", "按规则默认"), (ERROR, SEVERITY_LABELS[ERROR]), (WARNING, SEVERITY_LABELS[WARNING])],
        help_text="“错误”阻止送审，“提示”只提醒；留空则按规则本身的判断",
    )

    class Meta:
        verbose_name = verbose_name_plural = "检查规则设置"
        ordering = ["template", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["template", "rule_id"], name="unique_rule_per_template")]

    def __str__(self):
        return f"{self.template} · {self.get_rule_id_display()}"

    @property
    def rule(self):
        return RULES_BY_ID.get(self.rule_id)


class FilingCheck(models.Model):
    """The findings on a filing when it was last checked, with counts that lists sort and filter by."""

    filing = models.OneToOneField(
        "projects.Filing",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="filing_check",
        verbose_name="申报表",
    )
    errors = models.PositiveIntegerField("错误数", default=0, db_index=True)
    warnings = models.PositiveIntegerField("提示数", default=0)
    findings = models.JSONField("检查结果", default=list, blank=True)
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = verbose_name_plural = "申报表检查结果"
        ordering = ["-errors", "-warnings"]
        # The report and the admin list, most errors first: read in this order from the index.
        indexes = [models.Index(fields=["-errors", "-warnings", "filing"], name="filing_check_order")]

    def __str__(self):
        return f"{self.filing}：错误{self.errors}，提示{self.warnings}"

    def finding_list(self) -> list[Finding]:
        return [Finding.from_dict(data) for data in self.findings]


class RuleCount(models.Model):
    """How many errors and warnings one rule found on one filing when it was last checked; the row
    with no rule (``rule_id=""``) holds the filing's own totals, so that every checked filing has one.

    Kept with the unit and year the filing had when checked, which is what the report narrows by.
    Written with the ``FilingCheck`` (``checks.counts``); the report's totals add these up.
    """

    filing = models.ForeignKey(
        "projects.Filing", on_delete=models.CASCADE, related_name="rule_counts", verbose_name="申报表"
    )
    department = models.ForeignKey(
        "projects.Department", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name="填报单位"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    rule_id = models.CharField("检查规则", max_length=40, blank=True)
    with_errors = models.BooleanField("申报表有错误", default=False)
    errors = models.PositiveIntegerField("错误数", default=0)
    warnings = models.PositiveIntegerField("提示数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "按规则的检查结果数"
        constraints = [models.UniqueConstraint(fields=["filing", "rule_id"], name="one_count_per_filing_and_rule")]
        indexes = [
            # The totals of the filings that have one rule's findings, in a unit and year (PostgreSQL
            # reads them from the index alone).
            models.Index(
                fields=["department", "fiscal_year", "rule_id"],
                include=["filing", "with_errors", "errors", "warnings"],
                name="rule_count_by_unit_year",
            ),
            models.Index(fields=["rule_id", "filing"], name="rule_count_by_rule"),
        ]

    def __str__(self):
        return f"{self.filing_id} · {self.rule_id or '全部规则'}：错误{self.errors}，提示{self.warnings}"


class CheckTotal(models.Model):
    """The findings of one rule (``rule_id=""``: of every rule) over a unit's filings of a year, those
    with errors apart from those without: what the check report shows, however many filings a person
    may see, added up from a few rows per unit and year. Recomputed from ``RuleCount`` whenever a
    filing of the unit and year is checked or deleted (``checks.counts``)."""

    department = models.ForeignKey(
        "projects.Department", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name="填报单位"
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度")
    rule_id = models.CharField("检查规则", max_length=40, blank=True)
    with_errors = models.BooleanField("申报表有错误")
    filings = models.PositiveIntegerField("申报表数", default=0)
    with_findings = models.PositiveIntegerField("有问题的申报表数", default=0)
    errors = models.PositiveIntegerField("错误数", default=0)
    warnings = models.PositiveIntegerField("提示数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "检查结果合计"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "rule_id", "with_errors"], name="one_total_per_unit_year_rule"
            )
        ]

    def __str__(self):
        return f"{self.department_id} · {self.fiscal_year} · {self.rule_id or '全部规则'}：{self.filings} 张申报表"
