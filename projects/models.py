"""Departments (预算单位) and the 二级项目支出绩效目标申报表 they file."""

import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_DISTRICT = re.compile(r"深圳市(.+?(?:特别合作区|新区|区))")
WAN = Decimal(10000)


def normalise_unit_name(name: str) -> str:
    """One key per unit however it is written: （本级） and (本级) are the same unit."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def field_label(model: type[models.Model], name: str) -> str:
    """The verbose name of one of the model's own fields, as the form labels it: 项目编码 for ``code``."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation or a generic foreign key has no label
        raise FieldDoesNotExist(f"{model.__name__}.{name} is not a field of the model itself")
    return str(field.verbose_name)


def district_of(unit_name: str) -> str:
    match = _DISTRICT.match(normalise_unit_name(unit_name))
    return match.group(1) if match else ""


class Department(models.Model):
    """A 预算单位; ``parent`` is its 一级预算单位 (None for a top-level unit)."""

    name = models.CharField("单位名称", max_length=200)
    normalised_name = models.CharField("规范名称", max_length=200, unique=True, editable=False)
    district = models.CharField("所属区", max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="一级预算单位"
    )

    class Meta:
        verbose_name = verbose_name_plural = "预算单位"
        ordering = ["district", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalised_name = normalise_unit_name(self.name)
        if not self.district:
            self.district = district_of(self.name)
        super().save(*args, **kwargs)


class AmountUnit(models.TextChoices):
    YUAN = "元", "元"
    WAN_YUAN = "万元", "万元"


def in_yuan(amount: Decimal | None, unit: str) -> Decimal | None:
    """An amount written in ``unit`` (元 or 万元), in 元."""
    if amount is None or unit != AmountUnit.WAN_YUAN:
        return amount
    return amount * WAN


class Allocation(models.TextChoices):
    FACTOR = "因素法", "因素法"
    PROJECT = "项目法", "项目法"
    BOTH = "因素法和项目法", "因素法和项目法"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已送审"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "已退回"


class Project(models.Model):
    """One 二级项目 as filed on its 申报表. Amounts are stored in 元, exactly."""

    template = models.ForeignKey("indicators.FormTemplate", on_delete=models.PROTECT, verbose_name="申报表模板")
    fiscal_year = models.PositiveSmallIntegerField("预算年度", validators=[MinValueValidator(2000)])
    code = models.CharField(
        "项目编码",
        max_length=21,
        validators=[RegexValidator(r"^\d{21}$", "项目编码应为21位数字")],
    )
    name = models.CharField("项目名称", max_length=200)
    applicant = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="projects", verbose_name="申请单位"
    )
    top_unit = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="一级预算单位")
    duration_years = models.PositiveSmallIntegerField("实施期限（年）", null=True, blank=True)
    project_type = models.CharField("项目类型", max_length=50, blank=True)
    is_new = models.BooleanField("是否新增项目", null=True, blank=True)
    allocation = models.CharField("分配方式", max_length=20, choices=Allocation.choices, blank=True)
    total_amount = models.DecimalField(
        "项目总金额（中期规划，元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    current_amount = models.DecimalField("本年度项目金额（元）", max_digits=18, decimal_places=2, null=True, blank=True)
    amount_unit = models.CharField(
        "填报金额单位",
        max_length=4,
        choices=AmountUnit.choices,
        default=AmountUnit.YUAN,
        help_text="申报表上金额使用的单位；数据库中一律以元保存",
    )
    policy_basis_label = models.CharField("政策依据栏目名称", max_length=20, default="政策依据")
    policy_basis = models.TextField("政策依据", blank=True)
    calculation_basis = models.TextField("测算依据", blank=True)
    annual_goal = models.TextField("年度目标", blank=True)
    long_term_goal = models.TextField("长期目标", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_file = models.CharField("来源文件", max_length=255, blank=True)
    source_line = models.PositiveIntegerField("来源行号", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic lock: every save through the filing service bumps it; a form that was opened on an
    # older version is refused instead of overwriting what someone else saved in between.
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Who made a change and when, set before a save for django-simple-history to record (services.filing).
    _history_user: "User | None"
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "二级项目"
        ordering = ["-fiscal_year", "applicant__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="unique_code_per_year"),
        ]
        indexes = [models.Index(fields=["status", "fiscal_year"])]
        permissions = [("import_filings", "可导入申报表（Excel 工作簿与列表）")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def in_filing_unit(self, amount: Decimal | None) -> Decimal | None:
        """An amount in the unit the filing used (元 or 万元)."""
        if amount is None or self.amount_unit == AmountUnit.YUAN:
            return amount
        return amount / WAN


class Role(models.TextChoices):
    FILER = "filer", "填报人"
    REVIEWER = "reviewer", "审核人"


class Assignment(models.Model):
    """Gives a user a role over one department and the units under it.

    The 管理员 group and superusers need no assignment: they see every department.
    """

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="assignments", verbose_name="用户")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="assignments", verbose_name="预算单位"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = verbose_name_plural = "单位授权"
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="unique_assignment")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.department}"


class Transition(models.Model):
    """One step of the review workflow: who moved the project from which state to which, and why.

    ``snapshot`` keeps the filing as it was at that moment (header fields and indicator rows), so a
    reviewer can see what changed between a return and the resubmission.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions", verbose_name="项目")
    user = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", db_index=True)
    from_status = models.CharField("原状态", max_length=10, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Status.choices)
    comment = models.TextField("意见", blank=True)
    snapshot = models.JSONField("申报表快照", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["project", "at", "pk"]
        indexes = [models.Index(fields=["project", "to_status", "at"])]

    def __str__(self):
        return f"{self.project.code}: {self.get_from_status_display()} → {self.get_to_status_display()}"
