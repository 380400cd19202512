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

    def __str__(self):
        return f"{self.filing}：错误{self.errors}，提示{self.warnings}"

    def finding_list(self) -> list[Finding]:
        return [Finding.from_dict(data) for data in self.findings]
