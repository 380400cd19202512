"""The templates of the forms (申报表模板) and their categories.

A template's layout (``indicators.taxonomy.TemplateSpec``) is kept as JSON on its row; the change page
shows it as the forms print it (the columns by their headings, the header fields by their labels) and
refuses what no form could print: a column the catalogue lacks, a field the kind does not have.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from checks.admin import refresh_template_checks
from indicators.models import FormTemplate, Level1Category, Level2Category
from indicators.taxonomy import INDICATOR_COLUMNS
from projects.kinds.base import MAX_OTHER_FIELDS
from projects.parsers.filing import UNKNOWN_LABEL


class Level2Inline(admin.TabularInline):
    model = Level2Category
    extra = 0
    fields = ["order", "name", "required", "aliases"]


@admin.register(Level1Category)
class Level1CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "template", "order"]
    list_filter = ["template"]
    inlines = [Level2Inline]


class Level1Inline(admin.TabularInline):
    model = Level1Category
    extra = 0
    fields = ["order", "name", "aliases"]
    show_change_link = True


def _kind(code: str) -> Any:
    from projects.kinds import kind_named

    try:
        return kind_named(code)
    except LookupError:
        return None


class FormTemplateAdminForm(forms.ModelForm):
    """A template; its layout is checked against the catalogue of columns and the kind's fields."""

    class Meta:
        model = FormTemplate
        fields = [
            "code",
            "name",
            "kind",
            "is_default",
            "printed_title",
            "columns",
            "weights_total",
            "weights_note",
            "extra_header",
            "field_labels",
            "omitted_fields",
            "code_pattern",
            "code_shape",
        ]
        help_texts = {
            "columns": "指标表“二级指标”之后的栏目，按顺序填写栏目代码，可用："
            + "、".join(f"{name}（{heading}）" for name, (heading, _) in INDICATOR_COLUMNS.items()),
            "extra_header": '表样增加的表头栏目，如 [{"label": "资金用途"}, {"label": "基本情况", "long": true}]；'
            "long 为跨整行的长文本，amount 为金额（按原文保存）",
            "field_labels": '表样改名的表头栏目，如 {"is_new": "项目类型"}',
            "omitted_fields": '表样没有的表头栏目，如 ["duration_years", "allocation"]',
        }

    def clean_columns(self) -> list[str]:
        columns = self.cleaned_data.get("columns") or []
        if not isinstance(columns, list) or not all(isinstance(name, str) for name in columns):
            raise forms.ValidationError('请填写栏目代码的列表，如 ["name", "value"]')
        unknown = [name for name in columns if name not in INDICATOR_COLUMNS]
        if unknown:
            raise forms.ValidationError(f"没有这些栏目：{'、'.join(unknown)}")
        if columns and "name" not in columns:
            raise forms.ValidationError("指标表须有三级指标（name）栏目")
        if len(set(columns)) != len(columns):
            raise forms.ValidationError("栏目重复")
        return columns

    def clean_extra_header(self) -> list[dict[str, Any]]:
        items = self.cleaned_data.get("extra_header") or []
        if not isinstance(items, list) or not all(isinstance(item, dict) and item.get("label") for item in items):
            raise forms.ValidationError('请填写栏目的列表，每项至少有 label，如 [{"label": "资金用途"}]')
        labels = [str(item["label"]) for item in items]
        if len(set(labels)) != len(labels):
            raise forms.ValidationError("增加的表头栏目重名")
        if len(items) > MAX_OTHER_FIELDS:
            raise forms.ValidationError(f"增加的表头栏目最多 {MAX_OTHER_FIELDS} 个")
        if too_long := [label for label in labels if len(label) > 40 or not UNKNOWN_LABEL.fullmatch(f"{label}：")]:
            raise forms.ValidationError(f"栏目名称应为不超过 40 个字的中文（可带括号）：{'、'.join(too_long)}")
        return items

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = _kind(cleaned.get("kind") or "")
        if kind is None:
            self.add_error("kind", "没有这种申报表")
            return cleaned
        names = {header_field.name for header_field in kind.header}
        labels = cleaned.get("field_labels") or {}
        if not isinstance(labels, dict) or not all(isinstance(value, str) and value for value in labels.values()):
            self.add_error("field_labels", '请填写“栏目代码: 新名称”，如 {"is_new": "项目类型"}')
        elif unknown := sorted(set(labels) - names):
            self.add_error("field_labels", f"{kind.short_name}申报表没有这些栏目：{'、'.join(unknown)}")
        omitted = cleaned.get("omitted_fields") or []
        if not isinstance(omitted, list):
            self.add_error("omitted_fields", "请填写栏目代码的列表")
        elif unknown := sorted(set(omitted) - names):
            self.add_error("omitted_fields", f"{kind.short_name}申报表没有这些栏目：{'、'.join(map(str, unknown))}")
        elif required := sorted(set(omitted) & set(kind.needed_to_store)):
            self.add_error("omitted_fields", f"不能去掉识别和保存申报表必需的栏目：{'、'.join(required)}")
        added = {str(item["label"]) for item in cleaned.get("extra_header") or [] if isinstance(item, dict)}
        renamed = labels if isinstance(labels, dict) else {}
        left_out = set(omitted) if isinstance(omitted, list) else set()
        kept = {
            renamed.get(header_field.name, header_field.plain_label)
            for header_field in kind.header
            if header_field.name not in left_out
        }
        if clash := sorted(added & kept):
            self.add_error("extra_header", f"与本类申报表已有的栏目同名：{'、'.join(clash)}")
        changed_kind = self.instance.pk is not None and cleaned.get("kind") != self.instance.kind
        if changed_kind and self.instance.filing_set.exists():
            self.add_error("kind", "已有申报表使用该表样，不能改变其申报表类型")
        pattern = cleaned.get("code_pattern") or ""
        try:
            re.compile(pattern)
        except re.error:
            self.add_error("code_pattern", "不是有效的正则表达式")
        return cleaned


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    form = FormTemplateAdminForm
    list_display = ["name", "code", "kind", "is_default", "indicator_columns", "weights_total"]
    list_filter = ["kind", "is_default"]
    search_fields = ["name", "code"]
    readonly_fields = ["indicator_columns", "header_changes"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "is_default", "printed_title"]}),
        ("指标表", {"fields": ["indicator_columns", "columns", "weights_total", "weights_note"]}),
        ("表头", {"fields": ["header_changes", "extra_header", "field_labels", "omitted_fields"]}),
        ("项目编码", {"fields": ["code_pattern", "code_shape"]}),
    ]
    inlines = [Level1Inline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:  # its categories, weights or code shape may have changed what the checks find
            refresh_template_checks(request, form.instance.pk, reason="按修改后的表样")

    @admin.display(description="指标表栏目（打印）")
    def indicator_columns(self, template: FormTemplate) -> str:
        """The headings of the table as the form prints them."""
        kind = _kind(template.kind)
        columns = template.columns or ([column.name for column in kind.indicators.columns] if kind else [])
        headings = [INDICATOR_COLUMNS.get(name, (name, ()))[0] for name in columns]
        suffix = "" if template.columns else "（本类申报表的栏目）"
        return " · ".join(["一级指标", "二级指标", *headings]) + suffix

    @admin.display(description="表头的变化")
    def header_changes(self, template: FormTemplate) -> str:
        """The header fields the layout adds, renames and leaves out, by their labels."""
        kind = _kind(template.kind)
        label = {f.name: f.plain_label for f in kind.header} if kind else {}
        lines = []
        if template.extra_header:
            added = "、".join(str(item.get("label", "")) for item in template.extra_header)
            lines.append(("增加", added))
        if template.field_labels:
            renamed = "、".join(f"{label.get(name, name)} → {new}" for name, new in template.field_labels.items())
            lines.append(("改名", renamed))
        if template.omitted_fields:
            lines.append(("不使用", "、".join(label.get(name, name) for name in template.omitted_fields)))
        if not lines:
            return "与本类申报表相同"
        return format_html_join("", "<p><strong>{}：</strong>{}</p>", lines)
