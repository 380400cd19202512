"""The check report's year filter, read from the query string: a wrong year is said, never a 500."""

from django import forms


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

    def chosen_year(self) -> int | None:
        """The year asked for, or None for every year (also when what was asked is no year)."""
        return self.cleaned_data.get("year") if self.is_valid() else None

    def problem(self) -> str:
        return " ".join(str(message) for message in self.errors.get("year", []))
