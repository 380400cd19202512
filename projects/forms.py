"""Forms of the filing page (header fields, indicator rows, tasks) and of the review decisions.

The header form of each kind is built from the kind's definition as the filing's layout has it
(``Filing.form_kind``): a field of the right type for each header field, in the order of the form, so
that a field declared in a kind's definition, or added by a layout (``extra_1``…), appears on its page
with no other change. The labels a filing keeps that no layout knows are edited below the grid
(``FilingHeaderForm.other_cells``); the rows editor has the layout's columns and any other column a row
of the filing fills (``services.rows.shown_columns``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Case, F, Q, QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone

from indicators.models import Indicator
from indicators.taxonomy import EXTRA_COLUMNS
from indicators.values import decimal_places
from projects import selectors
from projects.choices import filing_years, project_types
from projects.kinds import all_kinds
from projects.kinds.base import (
    AMOUNT_PLACES,
    LONG_TEXT,
    MAX_ROWS,
    MAX_TASKS,
    SHORT_TEXT,
    Amount,
    Choice,
    Code,
    Column,
    FilingLink,
    FormKind,
    Goals,
    HeaderField,
    Text,
    Unit,
    Wide,
    WrittenAmount,
    Year,
    Years,
    YesNo,
    amount_problem,
    excerpt,
    weight_problem,
)
from projects.kinds.layouts import other_labels
from projects.models import AmountUnit, Department, Filing, Status, in_yuan
from projects.search import search_filings
from projects.services.filing import OTHER_FIELDS
from projects.services.rows import (
    EXTRA_TEXT,
    RowInput,
    shown_columns,
    weight_text,
)
from projects.services.tasks import TaskInput
from projects.typing import AnyUser

# Full-width digits and punctuation as typed with a Chinese input method → ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
PROJECT_TYPES = ["02 政府投资项目", "03 专项资金项目", "15 其他经费", "15 履职类(运转)项目"]

_F = TypeVar("_F", bound=forms.Field)
_TOO_LARGE = Decimal(10) ** 16


def form_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """The form's own copy of a field, as the kind of field it was declared as (``form.fields`` is
    typed as holding plain fields)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class AmountField(forms.DecimalField):
    """An amount as people type or paste it: ``10,698,600.00``, ``１０６９.８６``.

    Whatever the unit, an amount of 10¹⁶ or more cannot be stored (18 digits, 2 decimals, in 元): it is
    refused here, and the form that knows the unit refuses what does not fit in it (``amount_problem``).
    """

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.translate(_FULL_WIDTH).replace(",", "").replace("，", "").replace(" ", "")
        try:
            return super().to_python(value)
        except forms.ValidationError:  # Django's "输入一个数字。" says neither which amount nor what is wrong
            raise forms.ValidationError(
                f"{self.label or '金额'}「{excerpt(str(value))}」不是数字：请只填写数字，不要带“万”“元”等文字"
                "（金额单位在表头选择）",
                code="invalid",
            ) from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value.is_finite() and abs(value) >= _TOO_LARGE:
            raise forms.ValidationError(
                f"{self.label or '金额'}「{excerpt(str(value))}」超出可保存的范围", code="max_value"
            )

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "class": "amount"}


class YesNoSelect(forms.NullBooleanSelect):
    """请选择 / 是 / 否, or the words a layout asks it in (甘肃's 项目类型: 新增项目 / 延续项目)."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, yes: str = "是", no: str = "否"):
        super().__init__(attrs)
        self.choices = [("unknown", "请选择"), ("true", yes), ("false", no)]


def next_budget_year() -> int:
    """The year a new filing is for: budgets are drawn up and their targets filed the year before."""
    return timezone.localdate().year + 1


def _grouped(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,}"


def _too_long(label: str) -> dict[str, str]:
    """The message of a text field's length limit, as the parsers say it (年度目标超过 5000 个字)."""
    return {"max_length": f"{label}超过 %(limit_value)d 个字（%(show_value)d 个字）"}


def _form_field(header_field: HeaderField, user: AnyUser) -> forms.Field:
    """The form field of one header field, from its type (as the filing's layout has it)."""
    label = header_field.plain_label
    field_type = header_field.type
    field: forms.Field
    if isinstance(field_type, Code):  # of the shape the filing's layout gives it (projects.kinds.layouts)
        field = forms.CharField(
            label=label,
            required=False,
            max_length=field_type.max_length,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": field_type.shape}),
        )
    elif isinstance(field_type, Goals) or (isinstance(field_type, Text) and field_type.long):
        field = forms.CharField(
            label=label,
            required=False,
            max_length=field_type.limit,
            error_messages=_too_long(label),
            widget=forms.Textarea(attrs={"rows": 4}),
        )
    elif isinstance(field_type, Text):
        field = forms.CharField(
            label=label, required=False, max_length=field_type.limit, error_messages=_too_long(label)
        )
    elif isinstance(field_type, Years):
        field = forms.IntegerField(label=label, required=False, min_value=1, max_value=100)
    elif isinstance(field_type, Year):
        field = forms.IntegerField(label=label, required=False, min_value=2000, max_value=2100)
    elif isinstance(field_type, Amount):
        field = AmountField(label=label, required=False, min_value=0)
    elif isinstance(field_type, YesNo):
        field = forms.NullBooleanField(
            label=label, required=False, widget=YesNoSelect(yes=field_type.yes, no=field_type.no)
        )
    elif isinstance(field_type, Choice):
        field = forms.ChoiceField(
            label=label, required=False, choices=[("", "请选择"), *((c, c) for c in field_type.choices)]
        )
    elif isinstance(field_type, Unit):
        field = forms.ModelChoiceField(label=label, required=False, queryset=Department.objects.none())
    elif isinstance(field_type, FilingLink):
        linked = selectors.filings_for(user, kind=field_type.kind).order_by("-fiscal_year", "name")
        field = forms.ModelChoiceField(label=label, required=False, queryset=linked, empty_label="（不属于一级项目）")
    else:  # pragma: no cover - every type of projects.kinds.base is handled above
        raise TypeError(f"no form field for {field_type!r}")
    return field


class FilingHeaderForm(forms.Form):
    """The header of one kind of 申报表, its fields made from the kind's definition.

    Amounts are entered in the unit chosen on the form and handed to the filing service in 元.
    The unit field lists the units the user files for; fields the kind derives (一级预算单位) are
    shown, not typed.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        kind: FormKind,
        user: AnyUser,
        filing: Filing | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.filing = filing
        for header_field in kind.header:
            if header_field.name in kind.derived:
                continue
            self.fields[header_field.name] = _form_field(header_field, user)
        # The labels the filing keeps that no layout knows, each under a name made from its label.
        self.others: dict[str, str] = {}
        if filing is not None:
            for label in other_labels(kind, filing.extra_fields):
                name = _other_name(label)
                self.others[name] = label
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=LONG_TEXT,
                    error_messages=_too_long(label),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        if kind.amount_fields:
            self.fields["amount_unit"] = forms.ChoiceField(
                label="金额单位", choices=AmountUnit.choices, initial=AmountUnit.WAN_YUAN, widget=forms.RadioSelect
            )
        self._scope_units(user)
        for header_field in kind.required_fields:
            if header_field.name in self.fields:
                self.fields[header_field.name].widget.attrs["aria-required"] = "true"
        if filing is not None and not self.is_bound:
            self._fill(filing)
        elif filing is None and not self.is_bound:
            self._suggest()

    def _suggest(self) -> None:
        """A new filing is for the next budget year, and for the unit when there is only one to choose."""
        if "fiscal_year" in self.fields:
            self.initial.setdefault("fiscal_year", next_budget_year())
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and isinstance(self.kind.field(name).type, Unit):
                only = list(field.queryset.all()[:2]) if field.queryset is not None else []
                if len(only) == 1:
                    self.initial.setdefault(name, only[0].pk)

    def _scope_units(self, user: AnyUser) -> None:
        own = selectors.filing_departments_for(user)
        for header_field in self.kind.header:
            if header_field.name not in self.fields or not isinstance(header_field.type, Unit):
                continue
            field = form_field(self, header_field.name, forms.ModelChoiceField)
            if header_field.name == "department":
                field.queryset = own
                field.empty_label = f"请选择{header_field.plain_label}"
            else:
                visible = selectors.departments_for(user)
                field.queryset = Department.objects.filter(Q(pk__in=visible) | Q(children__in=own)).distinct()
                field.empty_label = "请选择"

    def _fill(self, filing: Filing) -> None:
        for name in self.fields:
            if name == "version":
                self.initial[name] = filing.version
                continue
            if name in self.others:
                self.initial[name] = filing.extra_fields.get(self.others[name], "")
                continue
            value = filing.value(name) if name != "amount_unit" else filing.amount_unit
            if self.kind.has_field(name) and self.kind.field(name).is_amount:
                value = _grouped(filing.in_filing_unit(cast(Decimal | None, value)))
            elif hasattr(value, "pk"):
                value = value.pk
            self.initial[name] = value

    @property
    def grid(self) -> list[list[dict[str, Any]]]:
        """The bound fields row by row, as the kind's layout places them (for the template)."""
        rows: list[list[dict[str, Any]]] = []
        pairs = max((len(names) for item in self.kind.layout if (names := getattr(item, "names", None))), default=2)
        placed = set(self.kind.layout_names)
        head = [self.kind.field(name) for name in ("fiscal_year",) if name in self.fields]
        unplaced = [
            f for f in self.kind.header if f.name not in placed and f.name in self.fields and f.name != "fiscal_year"
        ]
        for header_field in head + unplaced:
            rows.append([self._cell(header_field.name, span=2 * pairs - 1)])
        for item in self.kind.layout:
            if isinstance(item, Wide):
                rows.append([self._cell(item.name, span=2 * pairs - 1)])
            else:
                cells = [self._cell(name) for name in item.names]
                cells[-1]["span"] = 1 + 2 * (pairs - len(cells))
                rows.append(cells)
        return rows

    @property
    def other_cells(self) -> list[dict[str, Any]]:
        """The labels no layout knows, label | field, for the rows below the grid."""
        return [{"name": name, "label": label, "field": self[name]} for name, label in self.others.items()]

    @property
    def grid_span(self) -> int:
        """How many columns a row across the whole grid takes after its label."""
        pairs = max((len(names) for item in self.kind.layout if (names := getattr(item, "names", None))), default=2)
        return 2 * pairs - 1

    def _cell(self, name: str, *, span: int = 1) -> dict[str, Any]:
        header_field = self.kind.field(name)
        label = header_field.plain_label
        if header_field.label_field and self.filing is not None:
            label = self.filing.value(header_field.label_field) or label
        return {
            "name": name,
            "label": label,
            # What the label's bracket says (长期目标: 跨度多年的项目需填); amounts show their unit beside the input.
            "remark": "" if header_field.is_amount else header_field.label[len(header_field.plain_label) :],
            "field": self[name] if name in self.fields else None,
            "shown": _shown_value(self.filing, name),
            "required": header_field.required,
            "amount": header_field.is_amount,
            "span": span,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit = cleaned.get("amount_unit") or AmountUnit.YUAN
        for header_field in self.kind.header:
            name = header_field.name
            value = cleaned.get(name)
            if header_field.is_amount and value is not None:
                if (problem := amount_problem(value, unit, header_field.plain_label)) is not None:
                    places = AMOUNT_PLACES.get(unit, 2)
                    too_precise = decimal_places(value) > places
                    self.add_error(name, f"以{unit}为单位时最多保留 {places} 位小数" if too_precise else problem)
            elif isinstance(header_field.type, Code | WrittenAmount) and value:
                try:
                    cleaned[name] = header_field.type.parse(value, header_field.plain_label)
                except ValueError as error:
                    self.add_error(name, str(error))
        self._check_identity(cleaned)
        return cleaned

    def _check_identity(self, cleaned: dict[str, Any]) -> None:
        """One 项目编码 per budget year: said on the code field, in words a filer understands."""
        code, year = cleaned.get("code"), cleaned.get("fiscal_year")
        if code and year:
            others = Filing.objects.filter(code=code, fiscal_year=year)
            if self.filing is not None:
                others = others.exclude(pk=self.filing.pk)
            if others.exists():
                self.add_error("code", f"预算年度 {year} 已有项目编码为 {code} 的项目，请核对")

    def header(self) -> dict[str, Any]:
        """The cleaned header for the filing service, amounts converted to 元; the labels no layout knows
        under ``OTHER_FIELDS``."""
        data = {
            name: self.cleaned_data.get(name) for name in self.fields if name != "version" and name not in self.others
        }
        data[OTHER_FIELDS] = {label: self.cleaned_data.get(name) or "" for name, label in self.others.items()}
        unit = data.get("amount_unit") or AmountUnit.YUAN
        if "amount_unit" in data:
            data["amount_unit"] = unit
        for header_field in self.kind.amount_fields:
            data[header_field.name] = in_yuan(data.get(header_field.name), unit)
        for header_field in self.kind.header:
            if header_field.name in data and data[header_field.name] is None and header_field.type.empty == "":
                data[header_field.name] = ""
        return data


def _other_name(label: str) -> str:
    """The name of the input of a label no layout knows: made from the label, so that it names the same
    label however the filing's other labels change."""
    return "other_" + hashlib.blake2s(label.encode(), digest_size=6).hexdigest()


def _shown_value(filing: Filing | None, name: str) -> str:
    """A derived field's value as the page shows it (一级预算单位 follows the 申请单位)."""
    if filing is None or not filing.pk:
        return ""
    value = filing.value(name)
    return getattr(value, "name", "" if value is None else str(value))


def _limit(field: forms.Field, column: Column) -> None:
    """Gives a text field the label and the length limit of the kind's column."""
    assert isinstance(field, forms.CharField)
    field.label, field.max_length = column.label, column.max_length
    field.widget.attrs["aria-label"] = column.label
    field.error_messages.update(_too_long(column.label))
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(column.max_length))
    field.widget.attrs["maxlength"] = str(column.max_length)


def _limited(form: forms.Form, columns: Sequence[Column]) -> None:
    for column in columns:
        field = form.fields.get(column.name)
        if isinstance(field, forms.CharField) and not column.amount:
            _limit(field, column)
        elif field is not None:
            field.label = column.label
    # A row's inputs have no <label> of their own (the column heading says it): name them for screen readers.
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("aria-label", str(field.label))


class WeightField(forms.DecimalField):
    """A row's 权重 as people type it: ``10``, ``１０``, ``12.5%``; from 0 to 100 with two decimals at most
    (``kinds.base.weight_problem``, which the filing service checks again)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.translate(_FULL_WIDTH).replace(" ", "").removesuffix("%").removesuffix("分")
        try:
            return super().to_python(value)
        except forms.ValidationError:
            message = f"权重「{excerpt(str(value))}」不是数字：请只填写数字，如 10"
            raise forms.ValidationError(message, code="invalid") from None

    def validate(self, value: Any) -> None:
        if value is not None and (problem := weight_problem(value)) is not None:
            raise forms.ValidationError(problem, code="invalid")
        super().validate(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "class": "weight"}


# What the columns other layouts add usually hold, offered as the filer types (any text is kept).
COLUMN_SUGGESTIONS = {
    "nature": ("≥", "≤", "=", "＞", "＜", "定性", "定量（其他）"),
    "direction": ("正向指标", "反向指标"),
    "basis": ("计划标准", "行业标准", "历史标准", "其他标准"),
}


def _short(label: str, max_length: int, placeholder: str = "", suggestions: str = "") -> forms.CharField:
    attrs = {"placeholder": placeholder} if placeholder else {}
    if suggestions:
        attrs["list"] = suggestions
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages=_too_long(label),
        widget=forms.TextInput(attrs=attrs),
    )


def _max_length(name: str) -> int:
    """The longest text the row's column of that name stores."""
    return int(getattr(Indicator._meta.get_field(name), "max_length", None) or SHORT_TEXT)


class IndicatorRowForm(forms.Form):
    """One indicator row; ``category`` and ``position`` are set by the page, not typed.

    The texts are bounded by the longest column of any kind; given its kind's ``columns``, by theirs.
    ``cells`` are the row's inputs in those columns, for the page."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"data-position": ""}))
    name = forms.CharField(
        label="三级指标",
        max_length=2000,
        required=False,
        error_messages=_too_long("三级指标"),
        widget=forms.TextInput(attrs={"placeholder": "三级指标名称"}),
    )
    nature = _short("指标性质", _max_length("nature"), "≥ ≤ = 或 定性", "column-nature")
    value = forms.CharField(
        label="指标值",
        max_length=SHORT_TEXT,
        required=False,
        error_messages=_too_long("指标值"),
        widget=forms.TextInput(attrs={"placeholder": "如 ≥90%"}),
    )
    measure = _short("度量单位", _max_length("measure"), "如 %、个")
    weight = WeightField(label="权重", required=False)
    direction = _short("指标方向性", _max_length("direction"), "", "column-direction")
    explanation = forms.CharField(
        label="指标解释",
        max_length=2000,
        required=False,
        error_messages=_too_long("指标解释"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "指标解释"}),
    )
    basis = _short("指标值设定依据", _max_length("basis"), "", "column-basis")
    score = _short("分值", _max_length("score"))
    remark = _short("备注", _max_length("remark"))
    not_applicable = forms.BooleanField(
        label="不适用", required=False, widget=forms.CheckboxInput(attrs={"data-not-applicable": ""})
    )

    def __init__(self, *args: Any, columns: Sequence[Column] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.columns = tuple(columns)
        _limited(self, columns)
        if any(column.name in ("nature", "measure") for column in self.columns):
            # Where a layout splits the target over columns, its 指标值 is the bare figure.
            self.fields["value"].widget.attrs["placeholder"] = "如 90"

    @property
    def cells(self) -> list[forms.BoundField]:
        """The row's inputs in the page's columns (the kind's own when none were given)."""
        names = [column.name for column in self.columns] or ["name", "value", "explanation"]
        return [self[name] for name in names if name in self.fields]


class BaseRowFormSet(forms.BaseFormSet):
    """The rows of one filing; at most ``max_rows`` rows with content (blank rows do not count).

    A row is deleted with its ✕ button, which sets the hidden DELETE input: a checkbox there would be
    an unlabelled stop for the keyboard that deletes the row silently."""

    deletion_widget = forms.HiddenInput

    def __init__(self, *args: Any, columns: Sequence[Column] = (), max_rows: int = MAX_ROWS, **kwargs: Any):
        self.columns = tuple(columns)
        self.max_rows = max_rows
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "columns": self.columns}

    def clean(self) -> None:
        kept = [form for form in self.forms if _kept(self, form) and _has_content(form, ROW_CONTENT)]
        if len(kept) > self.max_rows:
            raise forms.ValidationError(
                f"指标表最多 {self.max_rows} 行，本页有 {len(kept)} 行有内容，请删除多余的行", code="too_many_rows"
            )

    def rows(self) -> list[RowInput]:
        """The rows kept on the page, in the order the filer arranged them."""
        return [row for row, _ in self._kept_rows()]

    def kept_forms(self) -> list[forms.Form]:
        """The forms of ``rows()``, in the same order: ``rows()[i]`` came from ``kept_forms()[i]``."""
        return [form for _, form in self._kept_rows()]

    def _kept_rows(self) -> list[tuple[RowInput, forms.Form]]:
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME):
                continue
            data = form.cleaned_data
            if not data:
                continue
            row = RowInput(
                category_id=data["category"],
                name=data.get("name") or "",
                value=data.get("value") or "",
                explanation=data.get("explanation") or "",
                not_applicable=bool(data.get("not_applicable")),
                id=data.get("id"),
                weight=data.get("weight"),
                **{name: data.get(name) or "" for name in EXTRA_TEXT},
            )
            kept.append((data.get("position") or 10_000 + index, index, row, form))
        return [(row, form) for _, _, row, form in sorted(kept, key=lambda item: item[:2])]


# What makes a row worth keeping: any of its texts or its weight.
ROW_CONTENT = ("name", "value", "explanation", *EXTRA_COLUMNS)


def _kept(formset: forms.BaseFormSet, form: forms.Form) -> bool:
    """A form of the formset that is neither deleted nor invalid."""
    data: dict[str, Any] = getattr(form, "cleaned_data", None) or {}
    return bool(data) and not (formset.can_delete and data.get(DELETION_FIELD_NAME))


def _has_content(form: forms.Form, names: Sequence[str]) -> bool:
    data = form.cleaned_data
    return bool(data.get("not_applicable")) or any(
        (value := data.get(name)) is not None and str(value).strip() for name in names
    )


# formset_factory makes a subclass of ``formset``, which its stubs type as a plain BaseFormSet.
RowFormSet = cast(
    type[BaseRowFormSet],
    forms.formset_factory(IndicatorRowForm, formset=BaseRowFormSet, extra=0, can_delete=True),
)


def row_formset(
    filing: Filing | None,
    data: Mapping[str, Any] | None = None,
    *,
    blank_categories: list[int] | tuple[()] = (),
    kind: FormKind | None = None,
) -> BaseRowFormSet:
    """The rows of ``filing``; a new filing starts with one blank row under each 二级指标. The rows have
    the columns of ``kind`` (the filing's kind if not given) and any other a row of the filing fills,
    their texts bounded by those columns."""
    kind = kind or (filing.form_kind if filing is not None else None)
    table = kind.indicators if kind is not None else None
    initial: list[dict[str, Any]] = [{"category": category_id} for category_id in blank_categories]
    stored: list[Indicator] = []
    if filing is not None and filing.pk:
        stored = list(filing.indicators.order_by("position", "pk"))
        initial = [
            {
                "id": row.pk,
                "category": row.category_id,
                "position": row.position,
                "name": row.name,
                "value": row.value,
                "explanation": row.explanation,
                "not_applicable": row.not_applicable,
                "weight": weight_text(row.weight),
                **{name: getattr(row, name) for name in EXTRA_TEXT},
            }
            for row in stored
        ]
    return RowFormSet(
        data,
        initial=initial,
        prefix="rows",
        columns=shown_columns(table.columns, stored) if table else (),
        max_rows=table.max_rows if table else MAX_ROWS,
    )


class TaskForm(forms.Form):
    """One task of the 年度主要任务, amounts in the unit chosen on the form (checked against it by the
    formset)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label="任务名称", max_length=SHORT_TEXT, required=False, error_messages=_too_long("任务名称")
    )
    content = forms.CharField(
        label="主要内容",
        max_length=LONG_TEXT,
        required=False,
        error_messages=_too_long("主要内容"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    total_amount = AmountField(label="总额", required=False, min_value=0)
    fiscal_amount = AmountField(label="其中：财政拨款", required=False, min_value=0)
    other_amount = AmountField(label="其中：其他资金", required=False, min_value=0)

    def __init__(self, *args: Any, columns: Sequence[Column] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        _limited(self, columns)


_AMOUNTS = ("total_amount", "fiscal_amount", "other_amount")


class BaseTaskFormSet(forms.BaseFormSet):
    """The tasks of one filing; at most ``max_rows`` of them, each amount storable in the unit the page
    chose (the header form's ``amount_unit``, posted with the same data). Deleted as the rows are."""

    deletion_widget = forms.HiddenInput

    def __init__(self, *args: Any, columns: Sequence[Column] = (), max_rows: int = MAX_TASKS, **kwargs: Any):
        self.columns = tuple(columns)
        self.max_rows = max_rows
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "columns": self.columns}

    @property
    def unit(self) -> str:
        chosen = (self.data or {}).get("amount_unit")
        return chosen if chosen in AmountUnit.values else AmountUnit.YUAN

    def clean(self) -> None:
        kept = [form for form in self.forms if _kept(self, form) and _has_content(form, ("name", "content", *_AMOUNTS))]
        for form in kept:
            for name in _AMOUNTS:
                value = form.cleaned_data.get(name)
                if value is not None and (problem := amount_problem(value, self.unit, form.fields[name].label or "")):
                    form.add_error(name, problem)
        if len(kept) > self.max_rows:
            raise forms.ValidationError(
                f"年度主要任务最多 {self.max_rows} 项，本页有 {len(kept)} 项，请删除多余的任务", code="too_many_tasks"
            )

    def tasks(self, unit: str) -> list[TaskInput]:
        """The tasks kept on the page, in order, amounts in 元."""
        tasks = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or (self.can_delete and data.get(DELETION_FIELD_NAME)):
                continue
            tasks.append(
                TaskInput(
                    name=data.get("name") or "",
                    content=data.get("content") or "",
                    total_amount=in_yuan(data.get("total_amount"), unit),
                    fiscal_amount=in_yuan(data.get("fiscal_amount"), unit),
                    other_amount=in_yuan(data.get("other_amount"), unit),
                    id=data.get("id"),
                )
            )
        return tasks


TaskFormSet = cast(
    type[BaseTaskFormSet], forms.formset_factory(TaskForm, formset=BaseTaskFormSet, extra=0, can_delete=True)
)


def task_formset(
    filing: Filing | None, data: Mapping[str, Any] | None = None, *, kind: FormKind | None = None
) -> BaseTaskFormSet:
    """The tasks of ``filing`` (amounts in its unit); a new filing starts with one blank task. The tasks'
    texts are bounded by the columns of ``kind`` (the filing's kind, or the one kind with tasks)."""
    kind = kind or (filing.form_kind if filing is not None else next((k for k in all_kinds() if k.tasks), None))
    initial: list[dict[str, Any]] = [{}]
    if filing is not None and filing.pk:
        initial = [
            {
                "id": task.pk,
                "name": task.name,
                "content": task.content,
                **{name: _grouped(filing.in_filing_unit(getattr(task, name))) for name in _AMOUNTS},
            }
            for task in filing.tasks.order_by("position", "pk")
        ]
    table = kind.tasks if kind is not None else None
    return TaskFormSet(
        data,
        initial=initial,
        prefix="tasks",
        columns=table.columns if table else (),
        max_rows=table.max_rows if table else MAX_TASKS,
    )


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


class FilingFilterForm(forms.Form):
    """The list's filters and its order; choices come from the filings the user can see.

    ``sorts`` maps each column the list may be sorted by (``?sort=key``, ``?sort=-key`` descending) to
    what sorting by it sorts by; any other ``sort`` is ignored rather than an error, so that the
    filters still apply.
    """

    q = forms.CharField(label="搜索", required=False, widget=forms.SearchInput(attrs={"placeholder": "项目编码或名称"}))
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label="填报单位", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False)
    project_type = forms.ChoiceField(label="项目类型", required=False)
    sort = forms.CharField(label="排序", required=False, widget=forms.HiddenInput)

    # How the list is ordered, after the chosen column: the latest year first, then unit by unit, by code
    # and name. The order of an index (Filing.Meta), so that a page of the unsorted list is read from
    # it whatever the number of filings; units in the order they were added (the 填报单位 column sorts
    # them by name).
    LIST_ORDER = ("-fiscal_year", "department_id", "code", "name", "pk")

    def __init__(
        self,
        *args: Any,
        kind: str,
        departments: QuerySet[Department],
        sorts: Mapping[str, Sequence[F | Case]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.sorts = sorts or {}
        years = filing_years(kind)
        types = project_types() if kind == "project" else []
        form_field(self, "year", forms.ChoiceField).choices = [("", "全部年度"), *((y, f"{y}年") for y in years)]
        form_field(self, "department", forms.ChoiceField).choices = [
            ("", "全部单位"),
            *departments.values_list("pk", "name"),
        ]
        form_field(self, "status", forms.ChoiceField).choices = [("", "全部状态"), *Status.choices]
        form_field(self, "project_type", forms.ChoiceField).choices = [("", "全部类型"), *((t, t) for t in types)]

    def apply(self, filings: QuerySet[Filing]) -> QuerySet[Filing]:
        if not self.is_valid():
            return filings
        data = self.cleaned_data
        if data["q"]:
            filings = search_filings(filings, data["q"])
        if data["year"]:
            filings = filings.filter(fiscal_year=data["year"])
        if data["department"]:
            filings = filings.filter(department_id=data["department"])
        if data["status"]:
            filings = filings.filter(status=data["status"])
        if data["project_type"]:
            filings = filings.filter(project_header__project_type=data["project_type"])
        return filings

    @property
    def narrows(self) -> bool:
        """Whether a filter leaves out some of the filings the user may see (a sort does not)."""
        if not self.is_valid():
            return False
        return any(self.cleaned_data[name] for name in ("q", "year", "department", "status", "project_type"))

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"].strip()
        return sort if sort.removeprefix("-") in self.sorts else ""

    @property
    def chosen_sort(self) -> str:
        """What the list is sorted by, as ``?sort=`` says it (``-key`` descending); "" for the list's order."""
        self.is_valid()  # cleans the data once; a wrong filter leaves the sort as it is
        return getattr(self, "cleaned_data", {}).get("sort") or ""

    @property
    def sorted_by(self) -> tuple[str, bool]:
        """The key of the column the list is sorted by ("" for none) and whether descending."""
        return self.chosen_sort.removeprefix("-"), self.chosen_sort.startswith("-")

    def order(self, filings: QuerySet[Filing]) -> QuerySet[Filing]:
        """The filings sorted by the chosen column (blanks last either way), then in the list's order."""
        key, descending = self.sorted_by
        chosen = [
            source.desc(nulls_last=True) if descending else source.asc(nulls_last=True)
            for source in self.sorts.get(key, ())
        ]
        return filings.order_by(*chosen, *self.LIST_ORDER)
