"""Forms of the filing page (header fields and the 三级指标 rows) and of the review decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar, cast

from django import forms
from django.db.models import Q
from django.forms.formsets import DELETION_FIELD_NAME

from indicators.values import decimal_places
from projects import selectors
from projects.models import Allocation, AmountUnit, Project, Status, in_yuan
from projects.services.filing import RowInput

# Full-width digits and punctuation as typed with a Chinese input method → ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
PROJECT_TYPES = ["02 政府投资项目", "03 专项资金项目", "15 其他经费", "15 履职类(运转)项目"]
# Most decimals an amount may have in each unit: both are exact to the 分 in 元.
MAX_PLACES = {AmountUnit.YUAN: 2, AmountUnit.WAN_YUAN: 6}

_F = TypeVar("_F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """The form's own copy of a field, as the kind of field it was declared as (``form.fields`` is
    typed as holding plain fields)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class AmountField(forms.DecimalField):
    """An amount as people type or paste it: ``10,698,600.00``, ``１０６９.８６``."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.translate(_FULL_WIDTH).replace(",", "").replace("，", "").replace(" ", "")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {"inputmode": "decimal", "class": "amount"}


class YesNoSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "请选择"), ("true", "是"), ("false", "否")]


def _grouped(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,}"


class ProjectHeaderForm(forms.ModelForm):
    """The header of the 申报表. Amounts are entered in the unit chosen on the form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    total_amount = AmountField(label="项目总金额（中期规划）", required=False, min_value=0)
    current_amount = AmountField(label="本年度项目金额", required=False, min_value=0)
    is_new = forms.NullBooleanField(label="是否新增项目", required=False, widget=YesNoSelect)

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "fiscal_year",
            "applicant",
            "duration_years",
            "project_type",
            "is_new",
            "allocation",
            "amount_unit",
            "policy_basis",
            "calculation_basis",
            "annual_goal",
            "long_term_goal",
        ]
        widgets = {
            "code": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 21, "placeholder": "21位数字"}),
            "project_type": forms.TextInput(attrs={"list": "project-types", "placeholder": "如：15 其他经费"}),
            "amount_unit": forms.RadioSelect,
            "policy_basis": forms.Textarea(attrs={"rows": 4}),
            "calculation_basis": forms.Textarea(attrs={"rows": 4}),
            "annual_goal": forms.Textarea(attrs={"rows": 3}),
            "long_term_goal": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"duration_years": "实施期限（年）", "amount_unit": "金额单位"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        applicant = form_field(self, "applicant", forms.ModelChoiceField)
        applicant.queryset = selectors.filing_departments_for(user)
        applicant.empty_label = "请选择申请单位"
        form_field(self, "allocation", forms.ChoiceField).choices = [("", "请选择"), *Allocation.choices]
        form_field(self, "amount_unit", forms.ChoiceField).choices = AmountUnit.choices
        project = self.instance
        if project.pk and not self.is_bound:
            self.initial["total_amount"] = _grouped(project.in_filing_unit(project.total_amount))
            self.initial["current_amount"] = _grouped(project.in_filing_unit(project.current_amount))
            self.initial["version"] = project.version

    def validate_unique(self):
        # One 项目编码 per budget year; said on the code field, in words a filer understands.
        code, year = self.cleaned_data.get("code"), self.cleaned_data.get("fiscal_year")
        if code and year:
            others = Project.objects.filter(code=code, fiscal_year=year).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("code", f"预算年度 {year} 已有项目编码为 {code} 的项目，请核对")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        unit = cleaned.get("amount_unit") or AmountUnit.YUAN
        places = MAX_PLACES.get(unit, 2)
        for name in ("total_amount", "current_amount"):
            amount = cleaned.get(name)
            if amount is not None and decimal_places(amount) > places:
                self.add_error(name, f"以{unit}为单位时最多保留 {places} 位小数")
        return cleaned

    def header(self) -> dict:
        """The cleaned header for the filing service, amounts converted to 元."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        unit = data["amount_unit"] or AmountUnit.YUAN
        data["amount_unit"] = unit
        for name in ("total_amount", "current_amount"):
            data[name] = in_yuan(self.cleaned_data.get(name), unit)
        return data


class IndicatorRowForm(forms.Form):
    """One 三级指标 row; ``category`` and ``position`` are set by the page, not typed."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"data-position": ""}))
    name = forms.CharField(
        label="三级指标", max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "三级指标名称"})
    )
    value = forms.CharField(
        label="指标值", max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "如 ≥90%"})
    )
    explanation = forms.CharField(
        label="指标解释", required=False, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "指标解释"})
    )
    not_applicable = forms.BooleanField(
        label="不适用", required=False, widget=forms.CheckboxInput(attrs={"data-not-applicable": ""})
    )


class BaseRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[RowInput]:
        """The rows kept on the page, in the order the filer arranged them."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME):
                continue
            data = form.cleaned_data
            if not data:
                continue
            kept.append(
                (
                    data.get("position") or 10_000 + index,
                    index,
                    RowInput(
                        category_id=data["category"],
                        name=data.get("name") or "",
                        value=data.get("value") or "",
                        explanation=data.get("explanation") or "",
                        not_applicable=bool(data.get("not_applicable")),
                        id=data.get("id"),
                    ),
                )
            )
        return [row for _, _, row in sorted(kept, key=lambda item: item[:2])]


# formset_factory makes a subclass of ``formset``, which its stubs type as a plain BaseFormSet.
RowFormSet = cast(
    type[BaseRowFormSet],
    forms.formset_factory(IndicatorRowForm, formset=BaseRowFormSet, extra=0, can_delete=True),
)


def row_formset(project: Project | None, data=None, *, blank_categories=()) -> BaseRowFormSet:
    """The rows of ``project``; a new filing starts with one blank row under each 二级指标."""
    initial = [{"category": category_id} for category_id in blank_categories]
    if project is not None and project.pk:
        initial = [
            {
                "id": row.pk,
                "category": row.category_id,
                "position": row.position,
                "name": row.name,
                "value": row.value,
                "explanation": row.explanation,
                "not_applicable": row.not_applicable,
            }
            for row in project.indicators.order_by("position", "pk")
        ]
    return RowFormSet(data, initial=initial, prefix="rows")


class OverwriteForm(forms.Form):
    """After a refused save: the filer may knowingly save over the newer version."""

    overwrite = forms.BooleanField(required=False)
    latest_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "请写明需要修改的内容"}),
        error_messages={"required": "退回必须填写退回原因"},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(label="审核意见（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProjectFilterForm(forms.Form):
    """The project list's filters; choices come from the projects the user can see."""

    q = forms.CharField(label="搜索", required=False, widget=forms.SearchInput(attrs={"placeholder": "项目编码或名称"}))
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label="申请单位", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False)
    project_type = forms.ChoiceField(label="项目类型", required=False)

    def __init__(self, *args, projects, departments, **kwargs):
        super().__init__(*args, **kwargs)
        years = projects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
        types = (
            projects.exclude(project_type="").order_by("project_type").values_list("project_type", flat=True).distinct()
        )
        form_field(self, "year", forms.ChoiceField).choices = [("", "全部年度"), *((y, f"{y}年") for y in years)]
        form_field(self, "department", forms.ChoiceField).choices = [
            ("", "全部单位"),
            *departments.values_list("pk", "name"),
        ]
        form_field(self, "status", forms.ChoiceField).choices = [("", "全部状态"), *Status.choices]
        form_field(self, "project_type", forms.ChoiceField).choices = [("", "全部类型"), *((t, t) for t in types)]

    def apply(self, projects):
        if not self.is_valid():
            return projects
        data = self.cleaned_data
        if data["q"]:
            projects = projects.filter(Q(code__icontains=data["q"].strip()) | Q(name__icontains=data["q"].strip()))
        if data["year"]:
            projects = projects.filter(fiscal_year=data["year"])
        if data["department"]:
            projects = projects.filter(applicant_id=data["department"])
        if data["status"]:
            projects = projects.filter(status=data["status"])
        if data["project_type"]:
            projects = projects.filter(project_type=data["project_type"])
        return projects
