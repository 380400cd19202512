"""List import and export (django-import-export) of projects and their 三级指标.

Rows are keyed the way people name a project, by 项目编码 + 预算年度, and departments by name
(（本级） and (本级) are one unit). A 填报人's import may only touch projects of their own
departments; a submitted or approved project is never overwritten. Both checks run per row, so
the preview names the row, and a single failing row rolls the whole import back.
"""

from __future__ import annotations

import io

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.models import FormTemplate, Indicator, Level2Category
from indicators.taxonomy import is_not_applicable
from projects.models import Department, Project, Role, normalise_unit_name
from projects.parsers.workbook_guard import WorkbookLimits, WorkbookRejected, check_sheet_size, check_workbook_file
from projects.selectors import departments_for, is_administrator
from projects.services.changes import filings_changed
from projects.services.imports import EDITABLE_STATUSES
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
    _VALUES = {"是": True, "否": False, "1": True, "0": False, "TRUE": True, "FALSE": False}

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self._VALUES[str(value).strip().upper()]
        except KeyError:
            raise ValueError(f"「{value}」应填“是”或“否”") from None

    def render(self, value, obj=None, **kwargs):
        return {True: "是", False: "否"}.get(value, "")


class TextWidget(widgets.CharWidget):
    """Text cells; a 21-digit code typed into Excel as a number has already lost digits."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            raise ValueError("该栏被保存成了数字，请设为文本格式后重新填写")
        return "" if value is None else str(value).strip()


def _scope_error(user, *, applicant: Department | None, top_unit: Department | None) -> dict[str, str]:
    """Why a 填报人 may not file for these units; empty when they may."""
    if user is None or is_administrator(user):
        return {}
    allowed = set(departments_for(user, role=Role.FILER).values_list("pk", flat=True))
    if applicant is None or applicant.pk not in allowed:
        name = applicant.name if applicant else ""
        return {"applicant": f"您不是「{name}」的填报人，不能导入该单位的项目"}
    if top_unit is not None and top_unit.pk not in {applicant.pk, applicant.parent_id}:
        expected = applicant.parent.name if applicant.parent is not None else applicant.name
        return {"top_unit": f"一级预算单位与申请单位不符，应为「{expected}」"}
    return {}


def _locked_error(project_id: int | None, user) -> dict[str, str]:
    """An existing project that is submitted, approved or of another department may not change."""
    if project_id is None:
        return {}
    project = Project.objects.select_related("applicant").get(pk=project_id)
    if project.status not in EDITABLE_STATUSES:
        return {"code": f"项目 {project.code} {project.get_status_display()}，不能被导入覆盖"}
    if (
        user is not None
        and not is_administrator(user)
        and not departments_for(user, role=Role.FILER).filter(pk=project.applicant_id).exists()
    ):
        return {"code": f"项目 {project.code} 属于其他单位，您不能修改"}
    return {}


class _ScopedResource(resources.ModelResource):
    """Remembers who imports, so that each row can be checked against their departments."""

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.touched_projects: set[int] = set()
        super().before_import(dataset, **kwargs)

    def row_scope_errors(self, instance) -> dict[str, str]:
        raise NotImplementedError

    def project_id_of(self, instance) -> int:
        raise NotImplementedError

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.touched_projects.add(self.project_id_of(instance))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The stored check results follow the imported filings, as after every other import.
        if not kwargs.get("dry_run") and self.touched_projects:
            touched = list(Project.objects.filter(pk__in=self.touched_projects))
            filings_changed(projects=touched)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors:
            errors = {name: [message] for name, message in self.row_scope_errors(instance).items()}
        if errors:
            raise ValidationError(errors)


class ProjectResource(_ScopedResource):
    fiscal_year = fields.Field("fiscal_year", "预算年度", widgets.IntegerWidget())
    code = fields.Field("code", "项目编码", TextWidget())
    name = fields.Field("name", "项目名称", TextWidget())
    applicant = fields.Field("applicant", "申请单位", DepartmentWidget())
    top_unit = fields.Field("top_unit", "一级预算单位", DepartmentWidget())
    duration_years = fields.Field("duration_years", "实施期限（年）", widgets.IntegerWidget())
    project_type = fields.Field("project_type", "项目类型", TextWidget())
    is_new = fields.Field("is_new", "是否新增项目", YesNoWidget())
    allocation = fields.Field("allocation", "分配方式", TextWidget())
    amount_unit = fields.Field("amount_unit", "填报金额单位", TextWidget())
    total_amount = fields.Field("total_amount", "项目总金额（中期规划，元）", widgets.DecimalWidget())
    current_amount = fields.Field("current_amount", "本年度项目金额（元）", widgets.DecimalWidget())
    policy_basis_label = fields.Field("policy_basis_label", "政策依据栏目名称", TextWidget())
    policy_basis = fields.Field("policy_basis", "政策依据", TextWidget())
    calculation_basis = fields.Field("calculation_basis", "测算依据", TextWidget())
    annual_goal = fields.Field("annual_goal", "年度目标", TextWidget())
    long_term_goal = fields.Field("long_term_goal", "长期目标", TextWidget())
    status = fields.Field("get_status_display", "状态", readonly=True)

    class Meta:
        model = Project
        name = "二级项目（表头）"
        import_id_fields = ("fiscal_year", "code")
        fields = (
            "fiscal_year",
            "code",
            "name",
            "applicant",
            "top_unit",
            "duration_years",
            "project_type",
            "is_new",
            "allocation",
            "amount_unit",
            "total_amount",
            "current_amount",
            "policy_basis_label",
            "policy_basis",
            "calculation_basis",
            "annual_goal",
            "long_term_goal",
            "status",
        )
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("applicant", "top_unit")

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.template = FormTemplate.default()
        return instance

    def row_scope_errors(self, instance) -> dict[str, str]:
        return _locked_error(instance.pk, self.user) or _scope_error(
            self.user, applicant=instance.applicant, top_unit=instance.top_unit
        )

    def project_id_of(self, instance) -> int:
        return instance.pk


class ProjectWidget(widgets.ForeignKeyWidget):
    """A project by 项目编码 and the row's 预算年度."""

    def __init__(self):
        super().__init__(Project, field="code")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        year = widgets.IntegerWidget().clean((row or {}).get("预算年度"))
        try:
            return Project.objects.select_related("applicant").get(code=str(value).strip(), fiscal_year=year)
        except Project.DoesNotExist:
            raise ValueError(f"没有 {year} 年度项目编码为 {value} 的项目") from None


class CategoryWidget(widgets.ForeignKeyWidget):
    """A 二级指标 by its name under the row's 一级指标, in any spelling the template knows."""

    def __init__(self):
        super().__init__(Level2Category, field="name")
        self._categories = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if self._categories is None:
            template = FormTemplate.default()
            self._vocabulary = template.vocabulary()
            self._categories = {
                (c.parent.name, c.name): c
                for c in Level2Category.objects.select_related("parent").filter(parent__template=template)
            }
        pair = self._vocabulary.level2_of(str(value).lstrip("*＊"))
        level1 = self._vocabulary.level1_of(str((row or {}).get("一级指标") or ""))
        if pair is None or (level1 is not None and pair[0] != level1):
            raise ValueError(f"无法识别的指标类别「{(row or {}).get('一级指标', '')}/{value}」")
        return self._categories[pair]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class IndicatorResource(_ScopedResource):
    fiscal_year = fields.Field("project__fiscal_year", "预算年度", readonly=True)
    project = fields.Field("project", "项目编码", ProjectWidget())
    project_name = fields.Field("project__name", "项目名称", readonly=True)
    level1 = fields.Field("category__parent__name", "一级指标", readonly=True)
    category = fields.Field("category", "二级指标", CategoryWidget())
    position = fields.Field("position", "顺序", widgets.IntegerWidget())
    name = fields.Field("name", "三级指标", TextWidget())
    value = fields.Field("value", "指标值", TextWidget())
    explanation = fields.Field("explanation", "指标解释", TextWidget())
    not_applicable = fields.Field("not_applicable", "不适用", YesNoWidget())

    class Meta:
        model = Indicator
        name = "三级指标"
        import_id_fields = ("project", "position")
        fields = (
            "fiscal_year",
            "project",
            "project_name",
            "level1",
            "category",
            "position",
            "name",
            "value",
            "explanation",
            "not_applicable",
        )
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("project", "category__parent")

    def row_scope_errors(self, instance) -> dict[str, str]:
        project = instance.project
        errors = _locked_error(project.pk, self.user)
        return {"project": next(iter(errors.values()))} if errors else {}

    def project_id_of(self, instance) -> int:
        return instance.project_id

    def before_save_instance(self, instance, row, **kwargs):
        # The parsed parts of the value follow the value, as in every other import.
        if instance.not_applicable is None or "不适用" not in row:
            instance.not_applicable = is_not_applicable(instance.name)
        instance.read_value()
        super().before_save_instance(instance, row, **kwargs)


class SafeXLSX(base_formats.XLSX):
    """XLSX that refuses zip bombs, oversized sheets and formulas before tablib reads values.

    tablib opens workbooks with ``data_only=True``, which would silently store the value Excel
    last computed for a formula; here a formula is an error instead. Text that starts with "="
    is written as text, never as a formula.
    """

    limits = WorkbookLimits()

    def create_dataset(self, in_stream):
        check_workbook_file(in_stream, self.limits)
        workbook = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False, keep_links=False)
        try:
            sheet = workbook.worksheets[0]
            check_sheet_size(sheet.title, sheet.max_row, sheet.max_column, self.limits)
            for row in sheet.iter_rows(max_row=sheet.max_row or self.limits.max_rows, max_col=self.limits.max_columns):
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
        return _each_cell(super().create_dataset(in_stream, **kwargs), from_text_cell)


def _each_cell(dataset: tablib.Dataset, convert) -> tablib.Dataset:
    converted = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for values in dataset:
        converted.append([convert(value) for value in values])
    return converted


LIST_FORMATS = [SafeCSV, SafeXLSX]
