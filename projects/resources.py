"""List import and export (django-import-export) of filings and of the 二级 projects' 三级指标.

Each kind's header list has a column per header field of its definition (``filing_resource``); rows
are keyed the way people name a filing (a 二级 project by 项目编码 + 预算年度), and units by name
(（本级） and (本级) are one unit). A 填报人's import may only touch filings of their own units; a
submitted or approved filing is never overwritten; every changed filing's version moves, so an open
filing page does not save over the import. The checks run per row, so the preview names the row,
and a single failing row rolls the whole import back.

Each filing is read and shown in its own layout (``Filing.form_kind``): its code shape, the words it
answers yes/no fields with, the fields it adds (one 其他栏目 column) and, for a 三级指标 row, the
categories of its template and the columns it has (指标性质 · 度量单位 · 权重…). A new filing takes its
unit's layout (``Department.template``), as on the filing page.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.models import FormTemplate, Indicator, Level2Category
from indicators.taxonomy import INDICATOR_COLUMNS, Vocabulary, is_not_applicable
from projects import selectors
from projects.kinds import all_kinds, header_relation
from projects.kinds.base import (
    CELL_TEXT,
    LONG_TEXT,
    Amount,
    Choice,
    Code,
    FilingLink,
    FormKind,
    HeaderField,
    Text,
    Unit,
    Year,
    Years,
    YesNo,
    amount_problem,
    excerpt,
    format_amount,
    length_problem,
    read_number,
    read_weight,
)
from projects.kinds.layouts import is_extra, other_labels
from projects.models import FILING_FIELDS, Department, Filing, normalise_unit_name
from projects.parsers.text import decode_text
from projects.parsers.workbook_guard import WorkbookLimits, WorkbookRejected, check_sheet_size, check_workbook_file
from projects.selectors import is_administrator
from projects.services.changes import filings_changed
from projects.services.rows import shown_columns, weight_text
from projects.services.writing import (
    FilingError,
    StaleFilingError,
    claim_version,
    identity_taken_message,
    last_saved_by,
    new_header,
    record_filing,
    stamp,
)
from projects.spreadsheet_text import as_text_cell, from_text_cell


class DepartmentWidget(widgets.ForeignKeyWidget):
    """A department by its name, however its brackets are written; unknown names are refused."""

    def __init__(self):
        super().__init__(Department, field="name")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return Department.objects.get(normalised_name=normalise_unit_name(str(value)))
        except Department.DoesNotExist:
            raise ValueError(f"没有名为「{value}」的预算单位") from None


class YesNoWidget(widgets.Widget):
    """是 / 否, or the words the filing's layout answers with (``yes_no``: 甘肃 asks 是否新增 as 新增项目 /
    延续项目); 1 / 0 and TRUE / FALSE too."""

    _VALUES = {"1": True, "0": False, "TRUE": True, "FALSE": False}

    def clean(self, value, row=None, yes_no: YesNo | None = None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        words, text = yes_no or YesNo(), str(value).strip()
        if text.upper() in self._VALUES:
            return self._VALUES[text.upper()]
        try:
            return words.parse(text, "")
        except ValueError:
            raise ValueError(f"「{excerpt(text)}」应填“{words.yes}”或“{words.no}”") from None

    def render(self, value, obj=None, **kwargs):
        return {True: "是", False: "否"}.get(value, "")


class AmountWidget(widgets.DecimalWidget):
    """An amount in 元. Exported as a number (``coerce_to_string=False``), so that a workbook's cells can
    be summed; read as people write numbers (``1,069.86``), and "40万" is refused naming its column."""

    def __init__(self, label: str):
        super().__init__(coerce_to_string=False)
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return Decimal(str(value))
        try:
            return read_number("" if value is None else str(value))
        except ValueError:
            raise ValueError(
                f"{self.label}「{excerpt(str(value))}」不是数字：请只填写以元为单位的数字（如 40 万元填 400000），"
                "不要带“万”“元”等文字"
            ) from None


class YearWidget(widgets.IntegerWidget):
    """A year, exported as a number."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(f"「{excerpt(str(value))}」不是年度，请填写四位数字的年份，如 2025") from None


class TextWidget(widgets.CharWidget):
    """Text cells; a 21-digit code typed into Excel as a number has already lost digits."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            raise ValueError("该栏被保存成了数字，请设为文本格式后重新填写")
        return "" if value is None else str(value).strip()


def _in_row(number: int | None, message: str) -> str:
    """A message about a 三级指标 row, naming the row of the file (as the preview numbers them)."""
    return f"第 {number} 行：{message}" if number else message


class RowTextWidget(TextWidget):
    """A text column of the 三级指标 rows, of at most ``limit`` characters (its model field's max_length)."""

    def __init__(self, label: str, limit: int):
        super().__init__()
        self.label, self.limit = label, limit

    def clean(self, value, row=None, row_number: int | None = None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if (problem := length_problem(text, self.limit, self.label)) is not None:
            raise ValueError(_in_row(row_number, problem))
        return text


class WeightWidget(widgets.Widget):
    """A 权重 as the forms write it (10, 12.5, 10%, 10分), read as every path reads one (``read_weight``);
    exported as a number, without trailing zeros."""

    def clean(self, value, row=None, row_number: int | None = None, **kwargs):
        if value is None or not str(value).strip():
            return None
        try:
            return read_weight(str(value))
        except ValueError as error:
            raise ValueError(_in_row(row_number, str(error))) from None

    def render(self, value, obj=None, **kwargs):
        return Decimal(weight_text(value)) if value is not None else ""


def _scope_error(user: Any, kind: FormKind, instance: Filing) -> dict[str, str]:
    """Why the row's units may not be filed: a 填报人 files only for their units, and nobody names
    another parent for a unit (an import never moves a unit; see ``Department``)."""
    department = instance.department if instance.department_id else None
    if user is not None and not is_administrator(user) and not selectors.may_file_for(user, department):
        name = department.name if department is not None else ""
        return {"department": f"您不是「{name}」的填报人，不能导入该单位的申报表"}
    parent = kind.parent_unit and instance.value(kind.parent_unit)
    if parent and department is not None and not department.answers_to(parent.normalised_name):
        stored = department.parent.name if department.parent is not None else "（无）"
        label, unit_label = kind.field(kind.parent_unit).plain_label, kind.field("department").plain_label
        return {
            kind.parent_unit: f"{label}「{parent.name}」与{unit_label}「{department.name}」在系统中的上级单位"
            f"「{stored}」不符；导入不会改变单位的上下级关系，如确需调整，请由管理员在“预算单位”中修改"
        }
    return {}


def _locked_error(filing_id: int | None) -> dict[str, str]:
    """An existing filing that is submitted or approved may not change. (The filings of other units
    are never found for a 填报人: to them those do not exist.)"""
    if filing_id is None:
        return {}
    filing = Filing.objects.select_related("department").get(pk=filing_id)
    if not filing.is_editable:
        return {"code": f"{filing.title} {filing.get_status_display()}，不能被导入覆盖"}
    return {}


def _filer_scope(filings: QuerySet[Filing], user: Any) -> QuerySet[Filing]:
    """The filings a person's import may find: those of the units they file for (all for 管理员)."""
    if user is None or is_administrator(user):
        return filings
    return filings.filter(department__in=selectors.filing_departments_for(user))


class _ScopedResource(resources.ModelResource):
    """Remembers who imports, so that each row can be checked against their units; claims each filing
    it changes at the version its preview read, as every write does; and re-checks and prints ahead
    the filings an import changed, as every other write path does.

    A preview (a dry run) records the version of every filing it read (``result.read_versions``); its
    confirmation passes them back as ``versions``, and a filing saved by someone else in between is
    refused instead of overwritten. Without ``versions`` a filing is claimed at the version read now.
    """

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.dry_run = False  # told with each row (``import_row``)
        self.previewed: dict[int, int] | None = kwargs.get("versions")
        self.read_versions: dict[int, int] = {}
        self.claimed: set[int] = set()
        self.touched_filings: set[int] = set()
        self.seen_rows: dict[tuple, int] = {}  # each row's identity → the first row that has it
        self.row_number: int | None = None
        self.when = timezone.now()
        super().before_import(dataset, **kwargs)

    def row_scope_errors(self, instance) -> dict[str, str]:
        raise NotImplementedError

    def filing_of(self, instance) -> Filing | None:
        raise NotImplementedError

    def import_row(self, row, instance_loader, **kwargs):
        self.dry_run = bool(kwargs.get("dry_run"))
        self.row_number = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    @classmethod
    def get_diff_class(cls):
        return WholeValueDiff

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            filing = self.filing_of(instance)
            if filing is not None and filing.pk is not None:
                self.read_versions.setdefault(filing.pk, filing.version)

    def claim(self, filing: Filing, field: str) -> bool:
        """The version check of every write, once per filing and import (``claim_version``); True when
        this call claimed the filing."""
        if filing.pk in self.claimed:
            return False
        expected = filing.version if self.previewed is None else self.previewed.get(filing.pk)
        if expected is None:
            message = f"{filing.title} 在预览之后由他人新建，本次没有写入任何数据，请重新导入并查看预览"
            raise ValidationError({field: [message]})
        try:
            claim_version(filing=filing, version=expected)
        except StaleFilingError as error:
            who = last_saved_by(filing) or "他人"
            message = (
                f"{filing.title} 在预览之后已由{who}保存（现为第 {error.current_version} 版），"
                "本次没有写入任何数据，请重新导入并查看预览"
            )
            raise ValidationError({field: [message]}) from error
        except FilingError as error:
            raise ValidationError({field: [f"{filing.title}：{error.message}"]}) from error
        self.claimed.add(filing.pk)
        return True

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        filing = self.filing_of(instance)
        if filing is not None:
            self.touched_filings.add(filing.pk)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.read_versions = dict(self.read_versions)
        # The stored check results follow the imported filings, as after every other import.
        if not kwargs.get("dry_run") and self.touched_filings:
            touched = list(Filing.objects.filter(pk__in=self.touched_filings).select_related("department"))
            filings_changed(filings=touched)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            self.clean_instance(instance, exclude=list(errors), validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors:
            errors = {name: [message] for name, message in self.row_scope_errors(instance).items()}
        if errors:
            # Named by the file's columns (项目编码), as the person sees them, not by attribute (code).
            raise ValidationError({self._column_of(name): messages for name, messages in errors.items()})

    def _column_of(self, name: str) -> str:
        for field_name, column in self.fields.items():
            if name in (field_name, column.attribute):
                return column.column_name or name
        return name

    def clean_instance(self, instance, *, exclude: list[str], validate_unique: bool) -> None:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique)


def _form_kind(filing: Filing) -> FormKind:
    """``filing.form_kind``, worked out once per filing and template: a list asks it for every column."""
    known = filing.__dict__.get("_list_form_kind")
    if known is None or known[0] != (filing.kind, filing.template_id):
        known = filing.__dict__["_list_form_kind"] = ((filing.kind, filing.template_id), filing.form_kind)
    return known[1]


def _layout_field(filing: Filing, name: str) -> HeaderField | None:
    """The header field as the filing's layout has it (relabelled, its own code shape…), or None when the
    layout leaves it out."""
    layout = _form_kind(filing)
    return layout.field(name) if layout.has_field(name) else None


class HeaderValue(fields.Field):
    """A header field of the filing's kind, wherever the kind stores it: on the filing, or in its
    header row (which the resource saves after the filing). ``owner`` is the header field a label
    column belongs to (政策依据栏目名称: 政策依据).

    The list has the kind's columns, whatever each filing's layout: a yes/no field is shown and read
    with the words of the filing's layout (甘肃: 新增项目 / 延续项目), and a field the layout leaves out
    (四川 has no 实施期限) keeps what it holds: a value written there is refused rather than stored out
    of sight of the filing's pages."""

    def __init__(self, *args, owner: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner or self.attribute

    def get_value(self, instance):
        return instance.value(self.attribute) if instance is not None else None

    def export(self, instance, **kwargs):
        value = self.get_value(instance)
        if isinstance(self.widget, YesNoWidget) and (layout_field := _layout_field(instance, self.attribute)):
            return layout_field.show(value, "")
        return self.widget.render(value, **kwargs)

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.readonly:
            return
        if _layout_field(instance, self.owner) is None:
            self._keep_left_out(instance, row, **kwargs)
            return
        layout_field = _layout_field(instance, self.attribute)
        if layout_field is not None and isinstance(layout_field.type, YesNo):
            kwargs["yes_no"] = layout_field.type
        cleaned = self.clean(row, **kwargs)
        target = instance if self.attribute in FILING_FIELDS else instance.header
        setattr(target, self.attribute, cleaned)

    def _keep_left_out(self, instance: Filing, row, **kwargs) -> None:
        cleaned = self.clean(row, **kwargs)
        if cleaned in (None, "") or cleaned == instance.value(self.attribute):
            return
        raise ValueError(f"该申报表的表样“{instance.template.name}”没有「{self.column_name}」栏目，请留空")


class OtherFields(fields.Field):
    """The header fields the filing's layout adds (甘肃: 资金用途, 基本情况…; 四川: 部门预算数) and the labels
    a file wrote that no layout knows (``Filing.extra_fields``), in one column, one “栏目名称：内容” a
    line; a line that does not start with one of those labels continues the text before it.

    The labels are the layout's and those the filing keeps: an import changes their texts, as the
    filing page does, and never adds a label or drops one; a label not written keeps its text, so a
    list without this column, or with the cell left blank, changes nothing here."""

    def __init__(self):
        super().__init__("extra_fields", "其他栏目", TextWidget())

    def get_value(self, instance):
        return dict(instance.extra_fields or {}) if instance is not None else None

    def export(self, instance, **kwargs):
        return "\n".join(f"{label}：{text}" for label, text in (instance.extra_fields or {}).items())

    def save(self, instance, row, is_m2m=False, **kwargs):
        text = self.clean(row, **kwargs)
        if not text:
            return
        layout = _form_kind(instance)
        own = [header_field.label for header_field in layout.header if is_extra(header_field.name)]
        others = other_labels(layout, instance.extra_fields or {})
        written = read_other_fields(text, [*own, *others])
        for label in others:
            # The layout's own fields are read as their type says (``_value_errors``); these are free text.
            if label in written and (problem := length_problem(written[label], LONG_TEXT, label)):
                raise ValueError(problem)
        instance.extra_fields = {**(instance.extra_fields or {}), **written}


def read_other_fields(text: str, labels: list[str]) -> dict[str, str]:
    """``资金用途：业务类项目\n基本情况：…`` → {label: text} for ``labels``; ValueError naming what is not
    one of them, or a label written twice."""
    starts = [(label, re.compile(rf"\s*{re.escape(label)}\s*[：:]")) for label in sorted(labels, key=len, reverse=True)]
    found: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        match = next(((label, m) for label, pattern in starts if (m := pattern.match(line))), None)
        if match is not None:
            current, start = match[0], match[1]
            if current in found:
                raise ValueError(f"其他栏目中「{current}」写了两次")
            found[current] = [line[start.end() :]]
        elif current:
            found[current].append(line)
        elif line.strip():
            if not labels:
                raise ValueError("该申报表的表样没有其他栏目，「其他栏目」请留空")
            raise ValueError(
                f"其他栏目「{excerpt(line)}」不是该申报表的栏目：请逐行填写“栏目名称：内容”，"
                f"栏目名称为{'、'.join(labels)}之一"
            )
    return {label: "\n".join(lines).strip() for label, lines in found.items()}


def _widget(header_field: HeaderField) -> widgets.Widget:
    if isinstance(header_field.type, Unit):
        return DepartmentWidget()
    if isinstance(header_field.type, Years | Year):
        return YearWidget()
    if isinstance(header_field.type, Amount):
        return AmountWidget(_column(header_field))
    if isinstance(header_field.type, YesNo):
        return YesNoWidget()
    return TextWidget()


def _column(header_field: HeaderField) -> str:
    if isinstance(header_field.type, Years):
        return f"{header_field.plain_label}（年）"
    return header_field.label_for("元")


class FilingResource(_ScopedResource):
    """The header list of one kind's filings, keyed by its year and identity; ``filing_resource(kind)``
    makes one per kind, with a column per header field of the kind's definition. Amounts are in 元."""

    kind: FormKind

    class Meta:
        model = Filing
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def init_instance(self, row=None):
        filing = Filing(kind=self.kind.code, template=self._new_template(row or {}))
        setattr(filing, header_relation(self.kind.code), new_header(filing))
        return filing

    def _new_template(self, row) -> FormTemplate:
        """A new filing's layout, as on the filing page: its unit's (``Department.template``) when that is
        one of the kind's, else the kind's default."""
        column = self.fields["department"].column_name if "department" in self.fields else None
        try:
            department = DepartmentWidget().clean(row.get(column)) if column else None
        except ValueError:
            department = None  # reported by the unit's column
        template = department.template if department is not None and department.template_id is not None else None
        if template is not None and template.kind == self.kind.code:
            return template
        return FormTemplate.default(self.kind.code)

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)
        if instance is not None and instance.header is None:
            setattr(instance, header_relation(self.kind.code), new_header(instance))
        return instance

    def get_queryset(self):
        relation = header_relation(self.kind.code)
        filings = Filing.objects.filter(kind=self.kind.code).select_related("department", "template", relation)
        return _filer_scope(filings, getattr(self, "user", None))

    def filter_export(self, queryset, **kwargs):
        # Each filing is shown in its layout and with its header row, read with it (the admin's list
        # reads only the unit).
        if isinstance(queryset, QuerySet):
            queryset = queryset.select_related("department", "template", header_relation(self.kind.code))
        return super().filter_export(queryset, **kwargs)

    def clean_instance(self, instance, *, exclude: list[str], validate_unique: bool) -> None:
        # The identity constraints are checked by ``_identity_error``, which knows whom to tell what.
        instance.full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=False)

    def row_scope_errors(self, instance) -> dict[str, str]:
        return (
            self._missing_error(instance)
            or self._repeated_error(instance)
            or _locked_error(instance.pk)
            or _scope_error(self.user, self.kind, instance)
            or _value_errors(_form_kind(instance), instance)
            or self._identity_error(instance)
        )

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
            self._derive(instance)
        finally:
            # Every row's filing, whether it changes or not (a row without changes is never validated).
            if (key := self._identity_key(instance)) is not None:
                self.seen_rows.setdefault(key, self.row_number or 0)

    def _missing_error(self, instance: Filing) -> dict[str, str]:
        """A new filing lacks what finds it again and whose it is, as the other imports refuse it."""
        if instance.pk is not None:
            return {}
        kind = _form_kind(instance)
        missing = [name for name in kind.needed_to_store if instance.value(name) in (None, "")]
        return {name: f"新建{kind.short_name}须填写{kind.field(name).plain_label}" for name in missing[:1]}

    def _derive(self, instance: Filing) -> None:
        """The fields the application fills in (a 二级 project's 一级预算单位, from its unit), where the row
        leaves them blank, as the filing page fills them."""
        kind = self.kind
        header = instance.header
        if kind.derive is None or header is None:
            return
        blank = [name for name in kind.derived if instance.value(name) in (None, "")]
        if blank:
            derived = kind.derive(lambda name: instance.value(name))
            for name in blank:
                if name in derived:
                    setattr(header, name, derived[name])

    def _identity_key(self, instance) -> tuple | None:
        values = [instance.fiscal_year, *(instance.value(name) for name in self.kind.identity)]
        if any(value in (None, "") for value in values):
            return None  # a missing part is reported as such
        return tuple(getattr(value, "pk", value) for value in values)

    def _repeated_error(self, instance) -> dict[str, str]:
        """A second row for the same filing (the same 项目编码 and year, …): one message naming both rows,
        instead of the second row silently overwriting the first."""
        key = self._identity_key(instance)
        first = self.seen_rows.get(key, 0) if key is not None else 0
        if not first or first == self.row_number:
            return {}
        values = [instance.value(name) for name in self.kind.identity]
        named = "、".join(
            f"{self.kind.field(name).plain_label}「{getattr(value, 'name', value)}」"
            for name, value in zip(self.kind.identity, values, strict=True)
        )
        field = self.kind.identity[-1] if self.kind.identity[0] == "department" else self.kind.identity[0]
        return {field: f"{instance.fiscal_year} 年度{named}与第 {first} 行重复：同一张申报表在文件中只能有一行"}

    def _identity_error(self, instance) -> dict[str, str]:
        """A new row whose identity (项目编码 and year, …) another filing holds. If the importer may not
        see that filing, the preview answers as for any new filing, and only storing is refused, as
        the filing page refuses a taken code: nothing tells them whose it is or in which state."""
        instance._shadowed = False
        if instance.pk is not None:
            return {}
        lookup = {name: instance.value(name) for name in self.kind.identity}
        if "code" in lookup and not lookup["code"]:
            return {}  # no code, no code to take (a missing one is reported as such)
        holders = Filing.objects.filter(fiscal_year=instance.fiscal_year, **lookup)
        if "code" not in lookup:  # a code is unique in its year whatever the kind; the other identities per kind
            holders = holders.filter(kind=self.kind.code)
        if not holders.exists():
            return {}
        if self.dry_run:
            instance._shadowed = True  # not stored by the preview, whose trial store would be refused
            return {}
        return {self.kind.identity[0]: identity_taken_message(instance)}

    def filing_of(self, instance) -> Filing | None:
        return instance

    def save_instance(self, instance, is_create, row, **kwargs):
        if getattr(instance, "_shadowed", False):
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if instance.pk is not None:
            # The version check every write makes: an open filing page must not save over the import.
            self.claim(instance, "code")
        stamp([instance], user=self.user, when=self.when)

    def after_save_instance(self, instance, row, **kwargs):
        header = instance.header
        header.filing = instance
        stamp([header], user=self.user, when=self.when)
        header.save()
        super().after_save_instance(instance, row, **kwargs)


def _value_errors(kind: FormKind, instance: Filing) -> dict[str, str]:
    """What a header value may not be, as the filing page and the workbook refuse it too; ``kind`` is the
    kind as the filing's layout has it (its code shape, labels and added fields)."""
    errors = {}
    for header_field in kind.header:
        value = instance.value(header_field.name)
        if value in (None, ""):
            continue
        try:
            if isinstance(header_field.type, Code | Choice | Text):
                header_field.parse(str(value))
            elif header_field.is_amount:
                if value < 0 or (isinstance(value, Decimal) and value.is_signed()):  # -0 too
                    raise ValueError(f"{header_field.plain_label}不能为负数")
                if (problem := amount_problem(value, "元", header_field.plain_label)) is not None:
                    raise ValueError(problem)
        except ValueError as error:
            # A field the layout adds is a line of the 其他栏目 column.
            errors["extra_fields" if is_extra(header_field.name) else header_field.name] = str(error)
    return errors


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return format_amount(value) if isinstance(value, Decimal) else str(value)


# Values up to this long are shown whole in the import preview when they change.
_WHOLE_VALUE_CHARS = 40


class WholeValueDiff(resources.Diff):
    """The import preview's cells (``get_diff_class``): a changed amount, year or short value is shown
    whole, the old one struck through above the new, since the library's character diff strikes single
    digits inside an amount (10,698,600 → 10,700,000 read as "1069̶8̶6̶00"); amounts carry thousands
    separators. Long text keeps the character diff of the changed passages."""

    def as_html(self) -> list[SafeString]:
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            before, after = _shown(old), _shown(new)
            if self.new or before == after:
                cells.append(conditional_escape(after))
            elif not before:
                cells.append(format_html("<ins>{}</ins>", after))
            elif not after:
                cells.append(format_html("<del>{}</del>", before))
            elif len(before) <= _WHOLE_VALUE_CHARS and len(after) <= _WHOLE_VALUE_CHARS:
                cells.append(format_html("<del>{}</del><br><ins>{}</ins>", before, after))
            else:
                cells.append(_passages(before, after))
        return cells


def _passages(before: str, after: str) -> SafeString:
    """Long text with its changed passages struck through and inserted."""
    parts = []
    for op, old_start, old_end, new_start, new_end in SequenceMatcher(
        None, before, after, autojunk=False
    ).get_opcodes():
        if op == "equal":
            parts.append(conditional_escape(before[old_start:old_end]))
            continue
        if old_end > old_start:
            parts.append(format_html("<del>{}</del>", before[old_start:old_end]))
        if new_end > new_start:
            parts.append(format_html("<ins>{}</ins>", after[new_start:new_end]))
    return mark_safe("".join(parts))  # noqa: S308 — every part is escaped above


def filing_resource(kind: FormKind) -> type[FilingResource]:
    """The list import/export resource of ``kind``: its year, its header fields, the unit the amounts
    were filed in, the fields the filings' layouts add (其他栏目), and its status (read only)."""
    attrs: dict[str, Any] = {
        "kind": kind,
        "fiscal_year": fields.Field("fiscal_year", "预算年度", YearWidget()),
    }
    names = ["fiscal_year"]
    for header_field in kind.header:
        if header_field.name == "fiscal_year" or isinstance(header_field.type, FilingLink):
            continue
        attrs[header_field.name] = HeaderValue(header_field.name, _column(header_field), _widget(header_field))
        names.append(header_field.name)
        if header_field.label_field:
            label = f"{header_field.plain_label}栏目名称"
            attrs[header_field.label_field] = HeaderValue(
                header_field.label_field, label, TextWidget(), owner=header_field.name
            )
            names.append(header_field.label_field)
    if kind.amount_fields:
        attrs["amount_unit"] = fields.Field("amount_unit", "填报金额单位", TextWidget())
        names.append("amount_unit")
    attrs["extra_fields"] = OtherFields()
    names.append("extra_fields")
    attrs["status"] = fields.Field("get_status_display", "状态", readonly=True)
    names.append("status")
    identity = tuple("fiscal_year" if name == "fiscal_year" else name for name in ("fiscal_year", *kind.identity))
    meta = type("Meta", (FilingResource.Meta,), {"name": f"{kind.short_name}（表头）", "fields": tuple(names),
                                                  "import_id_fields": identity})  # fmt: skip
    attrs["Meta"] = meta
    return type(f"{kind.code.title()}Resource", (FilingResource,), attrs)


class FilingWidget(widgets.ForeignKeyWidget):
    """A 二级 project by 项目编码 and the row's 预算年度, among those the importer may file for: another
    unit's project is answered for as one that does not exist."""

    def __init__(self):
        super().__init__(Filing, field="code")
        self.user: Any = None  # who imports (set by the resource); None finds every project

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        year = widgets.IntegerWidget().clean((row or {}).get("预算年度"))
        try:
            return _filer_scope(Filing.objects.select_related("department", "template"), self.user).get(
                kind="project", code=str(value).strip(), fiscal_year=year
            )
        except Filing.DoesNotExist:
            raise ValueError(f"没有 {year} 年度项目编码为 {value} 的项目") from None


class CategoryWidget(widgets.ForeignKeyWidget):
    """A 二级指标 by its name under the row's 一级指标, among the categories of the template the row's
    filing uses (``filing``), in any spelling that template knows."""

    def __init__(self):
        super().__init__(Level2Category, field="name")
        # Each template's vocabulary and categories, read once per import.
        self._templates: dict[int, tuple[Vocabulary, dict[tuple[str, str], Level2Category]]] = {}

    def clean(self, value, row=None, filing: Filing | None = None, row_number: int | None = None, **kwargs):
        if filing is None:
            return None  # no project, no template: the 项目编码 column says what is missing
        if value in (None, ""):
            raise ValueError(_in_row(row_number, "未填写二级指标"))
        vocabulary, categories = self._of(filing.template_id)
        written_level1 = str((row or {}).get("一级指标") or "").strip()
        pair = vocabulary.level2_of(str(value).lstrip("*＊"))
        level1 = vocabulary.level1_of(written_level1)
        if pair is None or (level1 is not None and pair[0] != level1):
            written = f"{written_level1}/{value}" if written_level1 else str(value)
            known = "、".join(f"{parent}/{name}" for parent, name in categories)
            message = (
                f"二级指标「{excerpt(written)}」不是 {filing.title} 所用表样“{filing.template.name}”的指标类别；"
                f"该表样的二级指标为 {known}"
            )
            raise ValueError(_in_row(row_number, message))
        return categories[pair]

    def _of(self, template_id: int) -> tuple[Vocabulary, dict[tuple[str, str], Level2Category]]:
        if template_id not in self._templates:
            template = FormTemplate.objects.get(pk=template_id)
            categories = Level2Category.objects.select_related("parent").filter(parent__template=template)
            self._templates[template_id] = (
                template.vocabulary(),
                {(category.parent.name, category.name): category for category in categories},
            )
        return self._templates[template_id]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class CategoryField(fields.Field):
    """The row's 二级指标, read among the categories of its filing's template."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        filing = instance.filing if instance.filing_id is not None else None
        category = self.clean(row, filing=filing, **kwargs)
        if category is not None:
            instance.category = category


def _row_column(name: str) -> fields.Field:
    """A column of the catalogue (``INDICATOR_COLUMNS``) under its heading: a weight is a number, the
    others text of at most their model field's length."""
    label = INDICATOR_COLUMNS[name][0]
    if name == "weight":
        return fields.Field(name, label, WeightWidget())
    limit = getattr(Indicator._meta.get_field(name), "max_length", None) or CELL_TEXT
    return fields.Field(name, label, RowTextWidget(label, limit))


class IndicatorResource(_ScopedResource):
    """The 三级指标 rows of 二级 projects, keyed by 项目编码, 预算年度 and 顺序, with every column of the
    catalogue (``indicators.taxonomy.INDICATOR_COLUMNS``): 指标性质 · 指标值 · 度量单位 · 权重… (The rows
    of the 一级 and 部门整体 forms are edited on their pages and in their workbooks.)

    A row's 二级指标 is one of its filing's template; it fills the columns of its filing's layout and
    those a row of the filing fills already, as the filing page keeps them (``rows.shown_columns``)."""

    fiscal_year = fields.Field("filing__fiscal_year", "预算年度", YearWidget(), readonly=True)
    filing = fields.Field("filing", "项目编码", FilingWidget())
    filing_name = fields.Field("filing__name", "项目名称", readonly=True)
    level1 = fields.Field("category__parent__name", "一级指标", readonly=True)
    category = CategoryField("category", "二级指标", CategoryWidget())
    position = fields.Field("position", "顺序", widgets.IntegerWidget(coerce_to_string=False))
    name = _row_column("name")
    nature = _row_column("nature")
    value = _row_column("value")
    measure = _row_column("measure")
    weight = _row_column("weight")
    direction = _row_column("direction")
    explanation = _row_column("explanation")
    basis = _row_column("basis")
    score = _row_column("score")
    remark = _row_column("remark")
    not_applicable = fields.Field("not_applicable", "不适用", YesNoWidget())

    class Meta:
        model = Indicator
        name = "三级指标"
        import_id_fields = ("filing", "position")
        fields = (
            "fiscal_year",
            "filing",
            "filing_name",
            "level1",
            "category",
            "position",
            *INDICATOR_COLUMNS,
            "not_applicable",
        )
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        filings = super().get_queryset().filter(filing__kind="project")
        return filings.select_related("filing__template", "category__parent")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.fields["filing"].widget.user = self.user
        self.filing_columns: dict[int, set[str]] = {}  # each filing → the columns its rows may fill

    def clean_instance(self, instance, *, exclude: list[str], validate_unique: bool) -> None:
        if instance.filing_id is None:
            exclude = [*exclude, "category"]  # without its project, a row has no template to read it in
        super().clean_instance(instance, exclude=exclude, validate_unique=validate_unique)

    def row_scope_errors(self, instance) -> dict[str, str]:
        errors = _locked_error(instance.filing.pk)
        if errors:
            return {"filing": next(iter(errors.values()))}
        return self._column_errors(instance)

    def _column_errors(self, instance) -> dict[str, str]:
        """A column the row's filing neither has in its layout nor fills in any row (a 权重 for a project
        of the 深圳 layout) is left blank, as the filing page has no place for it."""
        if instance.not_applicable:
            return {}  # stored as 不适用, whatever the other columns say
        filing = instance.filing
        if filing.pk not in self.filing_columns:
            shown = shown_columns(_form_kind(filing).indicators.columns, filing.indicators.all())
            self.filing_columns[filing.pk] = {column.name for column in shown}
        for name, (label, _) in INDICATOR_COLUMNS.items():
            value = getattr(instance, name)
            if name in self.filing_columns[filing.pk] or value is None or not str(value).strip():
                continue
            message = f"{filing.title} 所用表样“{filing.template.name}”没有「{label}」栏目，请留空"
            return {name: _in_row(self.row_number, message)}
        return {}

    def filing_of(self, instance) -> Filing | None:
        return instance.filing if instance.filing_id is not None else None

    def before_save_instance(self, instance, row, **kwargs):
        # A changed row is a change of its filing: its version moves, checked as every write's is,
        # and its history records the new version with the rows.
        if self.claim(instance.filing, "filing"):
            record_filing(instance.filing, user=self.user, when=self.when)
        # The parsed parts of the value follow the value, as in every other import.
        if instance.not_applicable is None or "不适用" not in row:
            instance.not_applicable = is_not_applicable(instance.name)
        instance.read_value()
        stamp([instance], user=self.user, when=self.when)
        super().before_save_instance(instance, row, **kwargs)


# The rows a list import takes at most: each costs about 10 ms, preview and confirmation alike, inside
# the request; a unit's 二级 projects or their 三级指标 rows fit (settings.LIST_IMPORT_MAX_ROWS).
LIST_IMPORT_MAX_ROWS = 2000


def list_import_max_rows() -> int:
    return int(getattr(settings, "LIST_IMPORT_MAX_ROWS", LIST_IMPORT_MAX_ROWS))


class ListTooLong(ValueError):
    """A list with more rows than an import takes; refused before any row is read into the database."""

    def __init__(self, rows: int | None, limit: int):
        counted = f"有 {rows:,} 行数据，" if rows is not None else ""
        super().__init__(f"文件{counted}超过列表导入的上限 {limit:,} 行；请按单位或年度分成几个文件分别导入")


class SafeXLSX(base_formats.XLSX):
    """XLSX that refuses zip bombs, oversized sheets, over-long lists and formulas before tablib reads
    values.

    tablib opens workbooks with ``data_only=True``, which would silently store the value Excel
    last computed for a formula; here a formula is an error instead. The rows are counted as they
    stream by, so a sheet that does not declare its size is refused once it passes the limit,
    without being read whole. Text that starts with "=" is written as text, never as a formula.
    """

    def create_dataset(self, in_stream):
        limit = list_import_max_rows()
        # The guard bounds the cost of reading at all; the list's own limit is counted below, in its terms.
        check_workbook_file(in_stream, WorkbookLimits(max_rows=4 * (limit + 1)))
        limits = WorkbookLimits(max_rows=limit + 1)  # the rows and the row of column names
        workbook = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            if sheet.max_row is not None and sheet.max_row > limits.max_rows:  # as the sheet declares
                raise ListTooLong(sheet.max_row - 1, limit)
            check_sheet_size(sheet.title, sheet.max_row, sheet.max_column, limits)
            for number, row in enumerate(sheet.iter_rows(max_col=limits.max_columns), start=1):
                if number > limits.max_rows:
                    raise ListTooLong(None, limit)
                for cell in row:
                    if cell.data_type == "f":
                        raise WorkbookRejected(
                            f"单元格 {cell.coordinate} 含有公式；导入文件不接受公式，请改为直接填写数值或文字"
                        )
        finally:
            workbook.close()
        return super().create_dataset(in_stream)

    def export_data(self, dataset, **kwargs):
        workbook = Workbook(write_only=False)
        sheet = workbook.worksheets[0]  # the sheet a new workbook opens with
        sheet.title = (dataset.title or "导出")[:31]
        sheet.append(list(dataset.headers or []))
        for values in dataset:
            sheet.append([_cell_value(v) for v in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _cell_value(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


class SafeCSV(base_formats.CSV):
    """CSV whose text cells a spreadsheet never evaluates (see ``projects.spreadsheet_text``)."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_each_cell(dataset, as_text_cell), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            # Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK: read UTF-8 (with or without BOM) or GB18030.
            in_stream = decode_text(in_stream, "CSV 文件")
        dataset = super().create_dataset(in_stream, **kwargs)
        if len(dataset) > (limit := list_import_max_rows()):
            raise ListTooLong(len(dataset), limit)
        return _each_cell(dataset, from_text_cell)


def _each_cell(dataset: tablib.Dataset, convert) -> tablib.Dataset:
    converted = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for values in dataset:
        converted.append([convert(value) for value in values])
    return converted


LIST_FORMATS = [SafeCSV, SafeXLSX]

# Each kind's header list resource, and the 二级 one under the name the admin and commands know.
RESOURCES: dict[str, type[FilingResource]] = {kind.code: filing_resource(kind) for kind in all_kinds()}
ProjectResource = RESOURCES["project"]
