"""The check report's filters, read from the query string: a wrong year or unit is said, never a 500."""

from django import forms
from django.db.models import QuerySet

from projects.models import Department


class ReportFilterForm(forms.Form):
    year = forms.IntegerField(
        label="预算年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "预算年度应为四位数字的年份，如 2023",
            "min_value": "预算年度应在 2000 至 2100 年之间",
            "max_value": "预算年度应在 2000 至 2100 年之间",
        },
    )
    department = forms.TypedChoiceField(
        label="填报单位",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "没有找到所选的填报单位，或您无权查看该单位"},
    )

    def __init__(self, data=None, *, departments: QuerySet[Department]):
        super().__init__(data)
        field = self.fields["department"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "全部单位"), *departments.order_by("name").values_list("pk", "name")]

    def chosen_year(self) -> int | None:
        """The year asked for, or None for every year (also when what was asked is no year)."""
        self.is_valid()
        return self.cleaned_data.get("year")

    def chosen_department(self) -> int | None:
        """The unit asked for (one the user may see), or None for every unit."""
        self.is_valid()
        return self.cleaned_data.get("department")

    def problem(self, name: str = "year") -> str:
        """What is wrong with the year (or with ``name``), as one sentence; empty when nothing is."""
        return " ".join(str(message) for message in self.errors.get(name, []))
