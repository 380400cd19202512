"""The filing aggregate (申报表): what every kind of form has, whatever its header and tables.

A filing is one form of one kind (二级项目, 一级项目, 部门整体) filed by one unit for one budget year.
It owns its 三级指标 rows (``indicators.Indicator``), its review steps (``Transition``), its stored
check results (``checks.FilingCheck``) and its history. What only one kind of form has lives in that
kind's header model (``projects.kinds``), one row per filing in a table of its own: each kind's header
is real, typed columns, while lists, scope, review and checks work on filings of every kind at once,
and imports still write each table with one bulk statement (Django's multi-table inheritance, the
other way to split a row, cannot bulk-create).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from simple_history.models import HistoricalRecords

from projects.kinds import header_relation, kind_named
from projects.kinds.base import CELL_TEXT, FormKind, length_limits
from projects.kinds.layouts import is_extra, kind_in_layout
from projects.models.units import Department

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from indicators.taxonomy import TemplateSpec

WAN = Decimal(10000)


def field_label(model: type[models.Model], name: str) -> str:
    """The verbose name of one of the model's own fields, as the form labels it: 项目编码 for ``code``."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation or a generic foreign key has no label
        raise FieldDoesNotExist(f"{model.__name__}.{name} is not a field of the model itself")
    return str(field.verbose_name)


class AmountUnit(models.TextChoices):
    YUAN = "元", "元"
    WAN_YUAN = "万元", "万元"


def in_yuan(amount: Decimal | None, unit: str) -> Decimal | None:
    """An amount written in ``unit`` (元 or 万元), in 元."""
    if amount is None or unit != AmountUnit.WAN_YUAN:
        return amount
    return amount * WAN


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已送审"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "已退回"


# The states in which a filing may be changed, by any write path.
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


_Kind = TypeVar("_Kind", bound="Filing")


class KindManager(models.Manager[_Kind]):
    """The filings of one kind: what a kind's proxy model (its admin pages) lists."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[_Kind]:
        return super().get_queryset().filter(kind=self.kind)


class Filing(models.Model):
    """One 申报表. Amounts are stored in 元, exactly; ``amount_unit`` is the unit the form was filled in."""

    kind = models.CharField("申报表类型", max_length=20, editable=False)
    template = models.ForeignKey("indicators.FormTemplate", on_delete=models.PROTECT, verbose_name="申报表模板")
    # No index of its own: ``filing_status_by_unit`` (department, status) serves every lookup by unit.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="filings", verbose_name="填报单位", db_index=False
    )
    fiscal_year = models.PositiveSmallIntegerField("预算年度", validators=[MinValueValidator(2000)])
    # What people call a filing by: a 二级 project's code and name, a 一级 project's name. A kind
    # without a code leaves it blank; the 部门整体 form is named by its unit.
    code = models.CharField("项目编码", max_length=40, blank=True)
    name = models.CharField("名称", max_length=200, blank=True)
    amount_unit = models.CharField(
        "填报金额单位",
        max_length=4,
        choices=AmountUnit.choices,
        default=AmountUnit.YUAN,
        help_text="申报表上金额使用的单位；数据库中一律以元保存",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_file = models.CharField("来源文件", max_length=255, blank=True)
    # Header fields the filing's layout adds (its template's ``extra_header``) and labels a file wrote
    # that no layout knows, as {label: text} in the form's order: kept, shown, exported and printed.
    extra_fields = models.JSONField("其他表头栏目", default=dict, blank=True)
    source_line = models.PositiveIntegerField("来源行号", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Optimistic lock: every write bumps it; a form opened on an older version is refused instead of
    # overwriting what someone else saved in between.
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Set by the writer before a save, for the history record to name who and when.
    _history_user: User | None
    _history_date: datetime

    class Meta:
        verbose_name = verbose_name_plural = "申报表"
        ordering = ["-fiscal_year", "department__name", "code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "code"], condition=~models.Q(code=""), name="unique_code_per_year"
            ),
            # How the other kinds are found again (projects.kinds: each kind's ``identity``).
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "name"],
                condition=models.Q(kind="program"),
                name="one_program_of_a_name_per_unit_and_year",
            ),
            models.UniqueConstraint(
                fields=["department", "fiscal_year"],
                condition=models.Q(kind="overall"),
                name="one_overall_form_per_unit_and_year",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "fiscal_year"]),
            models.Index(fields=["kind", "fiscal_year", "department"]),
            # The list's own order (FilingFilterForm.LIST_ORDER), so that its pages are read from here.
            models.Index(fields=["kind", "-fiscal_year", "department", "code", "name", "id"], name="filing_list_order"),
            # What waits for a reviewer, counted in the menu of every page they open: read from the
            # index alone, not from each filing of their units.
            models.Index(fields=["department", "status"], name="filing_status_by_unit"),
        ]
        permissions = [("import_filings", "可导入申报表（Excel 工作簿与列表）")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """How lists and messages name the filing: its code and name, or its unit (部门整体)."""
        named = " ".join(part for part in (self.code, self.name) if part)
        if named:
            return named
        unit = self.department.name if self.department_id else ""
        return f"{unit} {self.kind_name}".strip()

    def in_filing_unit(self, amount: Decimal | None) -> Decimal | None:
        """An amount in the unit the filing used (元 or 万元)."""
        if amount is None or self.amount_unit == AmountUnit.YUAN:
            return amount
        return amount / WAN

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def kind_name(self) -> str:
        """二级项目, 一级项目, 部门整体: the kind's short name, the same in every layout (no query)."""
        return kind_named(self.kind).short_name

    @property
    def layout(self) -> TemplateSpec | None:
        """The filing's layout (its template without the categories); read with the template, so pages
        that show many filings read them ``select_related("template")``."""
        return self.template.layout() if self.template_id is not None else None

    @property
    def form_kind(self) -> FormKind:
        """The kind of form as the filing's layout prints it (``projects.kinds.layouts``)."""
        kind = kind_named(self.kind)
        layout = self.layout
        return kind if layout is None else kind_in_layout(kind, layout)

    @property
    def header(self) -> Any:
        """The kind's header row; None while the filing has none (a filing being built)."""
        return getattr(self, header_relation(self.kind), None)

    def value(self, name: str) -> Any:
        """A header field's value, wherever the kind stores it: on the filing or in its header row."""
        if is_extra(name):
            return self.extra_fields.get(self.form_kind.field(name).label, "")
        owner = self if name in FILING_FIELDS else self.header
        if owner is None:
            return None
        link = getattr(type(owner), name, None)
        if isinstance(link, ForwardManyToOneDescriptor) and getattr(owner, link.field.attname) is None:
            return None  # a filing being built has no unit yet (reading the link would raise)
        return getattr(owner, name)


# The header fields every kind stores on the filing itself; the others live in the kind's header row.
FILING_FIELDS = frozenset({"code", "name", "department", "fiscal_year", "amount_unit"})


class Transition(models.Model):
    """One step of the review workflow: who moved the filing from which state to which, and why.

    ``snapshot`` keeps the filing as it was at that moment (header fields and rows), so a reviewer can
    see what changed between a return and the resubmission.
    """

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="transitions", verbose_name="申报表")
    user = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", db_index=True)
    from_status = models.CharField("原状态", max_length=10, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Status.choices)
    comment = models.TextField("意见", max_length=CELL_TEXT, blank=True)
    snapshot = models.JSONField("申报表快照", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["filing_id", "at", "pk"]
        indexes = [models.Index(fields=["filing", "to_status", "at"])]
        constraints = length_limits("transition", {"comment": CELL_TEXT})

    def __str__(self) -> str:
        return f"{self.filing}: {self.get_from_status_display()} → {self.get_to_status_display()}"
