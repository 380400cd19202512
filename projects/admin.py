from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import FormTemplate, Indicator
from indicators.values import PARSED_VALUE_FIELDS
from projects import selectors
from projects.admin_filters import (
    CappedCount,
    ProjectTypeFilter,
    RowKindFilter,
    RowYearFilter,
    UnitFilter,
    YearFilter,
    search_rows,
    search_unit_filings,
)
from projects.admin_lists import ListImportExportMixin
from projects.kinds.base import weight_problem
from projects.models import (
    EDITABLE_STATUSES,
    Assignment,
    Department,
    Filing,
    OverallFiling,
    OverallHeader,
    OverallTask,
    ProgramFiling,
    ProgramHeader,
    ProjectFiling,
    ProjectHeader,
    Status,
    Transition,
)
from projects.parsers.text import TextDecodeError, decode_text
from projects.resources import RESOURCES, IndicatorResource
from projects.search import search_filings
from projects.services.accounts import assignment_grant
from projects.services.changes import filings_changed
from projects.services.imports import FilingImportError, SourceFile
from projects.services.prerender import exported_under, prerender_after_commit
from projects.services.previews import linked_summary, text_import, versions_as_json, versions_from_json
from projects.services.writing import FilingError, claim_version, record_filing, stamp
from projects.uploads import PendingUploadStorage, UploadsUnavailable

_TEXT_PENDING = "admin_pending_text_imports"  # session key: token → the text upload awaiting confirmation


class DepartmentAdminForm(forms.ModelForm):
    """A unit; moving it under another parent changes who sees its filings, so it says why."""

    change_reason = forms.CharField(
        label="调整上级单位的原因",
        required=False,
        max_length=100,
        help_text="修改“一级预算单位”时必填，记入单位的修改记录",
    )

    class Meta:
        model = Department
        fields = ["name", "code", "district", "template", "parent"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "template" in self.fields:
            # The unit's layout of the 二级 form: one of that kind's templates.
            field = self.fields["template"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = FormTemplate.objects.filter(kind="project").order_by("-is_default", "pk")
            field.empty_label = "（默认表样）"

    def clean(self):
        cleaned = super().clean() or {}
        parent = cleaned.get("parent")
        if "parent" in self.changed_data and self.instance.pk is not None:
            unit: Department | None = parent
            while unit is not None:
                if unit.pk == self.instance.pk:
                    self.add_error("parent", "上级单位不能是本单位或其下级单位")
                    break
                unit = unit.parent
            if not cleaned.get("change_reason", "").strip():
                self.add_error("change_reason", "请说明调整上级单位的原因")
        return cleaned


class _VisibleHistory(SimpleHistoryAdmin):
    """The history pages of what the admin's list shows the user only (simple-history would fall back
    to the history of objects outside the queryset), to look at, never to restore."""

    def visible_or_404(self, request, object_id) -> None:
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self.visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class _FilingHistory(_VisibleHistory):
    """A filing's 历史 is its 修改记录 on the filing page: every kind's admin is a proxy of ``Filing``,
    whose history simple-history's page cannot read through a proxy, and the filing page's record
    already shows each change of the header, the rows and the status, field by field."""

    def history_view(self, request, object_id, extra_context=None):
        self.visible_or_404(request, object_id)
        return redirect(reverse("projects:filing_detail", args=[object_id]) + "#history")


@admin.register(Department)
class DepartmentAdmin(_VisibleHistory):
    """The units. Their hierarchy decides who sees which filings (an assignment covers the units
    directly under it), so only a 管理员 moves a unit, here, and the unit's history records who moved
    it, when and why. No import changes it."""

    form = DepartmentAdminForm
    list_display = ["name", "code", "district", "template", "parent"]
    list_filter = ["district", "template"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["template", "parent"]

    def get_queryset(self, request):
        return super().get_queryset(request) & selectors.departments_for(request.user)

    def get_fields(self, request, obj=None):
        fields = ["name", "code", "district", "template", "parent"]
        return [*fields, "change_reason"] if "parent" not in self.get_readonly_fields(request, obj) else fields

    def get_readonly_fields(self, request, obj=None):
        return [] if selectors.is_administrator(request.user) else ["parent"]

    def save_model(self, request, obj, form, change):
        moved = change and "parent" in form.changed_data
        if moved:
            obj._change_reason = form.cleaned_data["change_reason"].strip()
            previously = {pair for filing in selectors.department_filings(obj) for pair in exported_under(filing)}
        super().save_model(request, obj, form, change)
        if change and ("name" in form.changed_data or moved):
            # The name is printed on the forms as 申请单位 or 一级预算单位; the parent's export holds the unit's forms.
            prerender_after_commit(filings=selectors.department_filings(obj), previously=previously if moved else ())

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version, to look at only: restoring one would move the unit without a reason given.
        self.visible_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied("单位的修改记录只供查看，不能恢复为历史版本")
        return super().history_form_view(request, object_id, version_id, extra_context)


class _EditableFilingInline:
    """An inline of a filing's change page: editable while the filing is (草稿 or 已退回), otherwise
    shown read only, as the filing page does."""

    def has_add_permission(self, request, obj=None):
        return _may_edit(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None):
        return _may_edit(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):
        return _may_edit(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


def _may_edit(filing: Filing | None) -> bool:
    return filing is None or filing.is_editable


class _VersionCheckedChanges:
    """A change page whose save claims the filing's version (``claim_version``). Two saves opened on
    one version both pass the form's check; the claim lets the first through and refuses the second,
    whose transaction is rolled back. That page is shown again, with the form's error saying who saved
    in between and with what was typed, as the filing page does."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        view = super().changeform_view  # type: ignore[misc]
        try:
            return view(request, object_id, form_url, extra_context)
        except FilingError as error:
            if request.method != "POST":
                raise
            try:
                return view(request, object_id, form_url, extra_context)  # whose form now reports it
            except FilingError:
                messages.error(request, error.message)
                return redirect(request.path)


# A row's columns as the page edits them: those of every layout (指标性质, 度量单位, 权重…) after its own.
ROW_COLUMNS = ["name", "nature", "value", "measure", "weight", "direction", "explanation", "basis", "score", "remark"]


def _clean_weight(form: forms.ModelForm) -> Any:
    weight = form.cleaned_data.get("weight")
    if (problem := weight_problem(weight)) is not None:
        raise forms.ValidationError(problem)
    return weight


class IndicatorInlineForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["category", "position", *ROW_COLUMNS, "not_applicable"]

    def clean_weight(self) -> Any:
        return _clean_weight(self)


class IndicatorInline(_EditableFilingInline, admin.TabularInline):
    model = Indicator
    form = IndicatorInlineForm
    extra = 0
    fields = ["category", "position", *ROW_COLUMNS, "not_applicable"]
    ordering = ["category__parent__order", "category__order", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category__parent")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the categories of the filing's own template can be chosen.
        template = obj.template_id if obj is not None else None
        field = formset.form.base_fields["category"]
        if template is not None and hasattr(field, "queryset"):
            field.queryset = field.queryset.filter(parent__template_id=template)
        return formset


class TaskInline(_EditableFilingInline, admin.TabularInline):
    model = OverallTask
    extra = 0
    fields = ["position", "name", "content", "total_amount", "fiscal_amount", "other_amount"]


class FilingUploadForm(forms.Form):
    # The stubs take a declared field for a class attribute, which "files" would have to share with BaseForm's
    # uploaded files; Django's form metaclass moves it into base_fields, so the two never meet.
    files = forms.FileField(  # type: ignore[assignment]
        label="申报表文本文件", widget=forms.ClearableFileInput(attrs={"multiple": False})
    )
    year = forms.IntegerField(
        label="预算年度",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="留空则由申报表推断（如“2023年12月前”）",
    )

    def clean_files(self):
        upload = self.cleaned_data["files"]
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if upload.size > limit:
            raise forms.ValidationError(f"文件大小超过上限 {limit / 1024 / 1024:.0f} MB")
        return upload


def _refusal(filing_id: int, opened: int | None, *, opened_on_it: bool = True) -> str:
    """Why a change page opened on version ``opened`` of the filing may not be saved now; blank if it
    may. A page ``opened_on_it`` (a change page of the filing or of one of its rows) must say which
    version it was opened on: without it, a save could not be told from a stale one."""
    current = Filing.objects.filter(pk=filing_id).values_list("version", "status").first()
    if current is None:
        return "保存失败：该申报表已被删除。"
    version, status = current
    if status not in EDITABLE_STATUSES:
        return f"保存失败：申报表当前状态为“{Status(status).label}”，只有草稿和已退回的申报表可以修改。"
    if opened is None and opened_on_it:
        return "保存失败：页面缺少打开时的版本号，无法确认期间没有他人保存。请刷新页面后再修改。"
    if opened is not None and opened != version:
        return f"保存失败：在您打开本页之后，该申报表已被他人保存（现为第 {version} 版）。请刷新页面核对后再修改。"
    return ""


class FilingAdminForm(forms.ModelForm):
    """The filing's own fields, with the version the page was opened on (see ``FilingAdmin.save_model``)."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean() or {}
        if self.instance.pk is not None and (refusal := _refusal(self.instance.pk, cleaned.get("opened_version"))):
            raise forms.ValidationError(refusal)
        return cleaned


def _cut(text: str, length: int):
    """A list cell of at most ``length`` characters; the whole text on hover when it was cut."""
    cut = Truncator(text).chars(length, truncate="…")
    return text if cut == text else format_html('<span title="{}">{}</span>', text, cut)


class FilingAdmin(CappedCount, _VersionCheckedChanges, ListImportExportMixin, ImportExportModelAdmin, _FilingHistory):
    """One kind's filings (through its proxy model): the filing, its header, its rows and tasks.

    The status is never edited here, nor restored from the history: it changes through the review
    workflow only, which records every step. Only a 草稿 or 已退回 filing can be changed, as on the
    filing page; the others are shown read only. A save is one change in the history, checked
    against the version the page was opened on like every other write.
    """

    kind: str
    form = FilingAdminForm
    # Short columns, long names cut with the whole name on hover: the list fits a 1366 px screen beside
    # the admin's menu and filters (tests/browser/test_admin_fits.py).
    list_display = ["code", "short_name", "unit", "year", "status"]
    list_per_page = 50
    # At a city's size (projects.admin_filters): filter choices without reading every filing, searches by
    # the bigram index, the list in the order of its index (filing_list_order) rather than by unit name.
    list_filter = [YearFilter, "status", UnitFilter]
    search_fields = ["code", "name", "department__name"]  # what the search box says; see get_search_results
    list_select_related = ["department"]
    ordering = ["-fiscal_year", "department_id", "code", "name", "id"]
    autocomplete_fields = ["department"]
    fields = ["template", "department", "fiscal_year", "code", "name", "amount_unit", "opened_version"]
    readonly_fields = ["status", "version", "source_file", "source_line", "created_at", "updated_at"]
    import_export_change_list_template = "admin/projects/project/change_list.html"

    def get_fields(self, request, obj=None):
        return [*self.fields, *(name for name in self.get_readonly_fields(request, obj) if name not in self.fields)]

    def get_readonly_fields(self, request, obj=None):
        # A filing's rows are in its layout's categories and its added fields under its layout's labels:
        # the layout is chosen when the filing is made and stays.
        return [*self.readonly_fields, "template"] if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "template":  # a new filing takes a layout of its own kind
            kwargs["queryset"] = FormTemplate.objects.filter(kind=getattr(self, "kind", "project"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="名称", ordering="name")
    def short_name(self, obj):
        return _cut(obj.name, 16)

    @admin.display(description="填报单位", ordering="department__name")
    def unit(self, obj):
        return _cut(obj.department.name, 14)

    @admin.display(description="年度", ordering="fiscal_year")
    def year(self, obj):
        return obj.fiscal_year

    def get_queryset(self, request):
        # The admin shows staff only the filings of their units, like every other page.
        return selectors.visible_filings(super().get_queryset(request), request.user)

    def get_search_results(self, request, queryset, search_term):
        return search_unit_filings(queryset, search_term), False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version of the filing row alone means little without its header and rows, and
        # restoring it would write around the workflow: the filing's page shows its whole history.
        self.visible_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied("申报表不能恢复为历史版本")
        messages.info(request, "申报表的历史版本请在申报表页面的“修改记录”中查看")
        return redirect("projects:filing_detail", pk=object_id)

    def has_change_permission(self, request, obj=None):
        return _may_edit(obj) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        self._when = timezone.now()
        obj.kind = self.kind
        names = [field.name for field in Filing._meta.concrete_fields if not field.primary_key]
        if change:
            # Of two saves of one version, only the first goes through.
            claim_version(filing=obj, version=form.cleaned_data.get("opened_version") or obj.version)
            # The state is the workflow's: kept as it is, whatever the instance says.
            obj.status = Filing.objects.values_list("status", flat=True).get(pk=obj.pk)
            names.remove("status")
        stamp([obj], user=request.user, when=self._when)
        # These pages edit proxies of Filing, whose saves django-simple-history does not record (it
        # listens to Filing itself); its bulk helpers write the row and the filing's history record.
        obj.updated_at = self._when
        if change:
            bulk_update_with_history([obj], Filing, names, default_user=request.user, default_date=self._when)
        else:
            obj.status = Status.DRAFT
            bulk_create_with_history([obj], Filing, default_user=request.user, default_date=self._when)

    def save_formset(self, request, form, formset, change):
        # Every row the page saves carries the filing's time, so the history shows one change.
        instances = formset.save(commit=False)
        stamp([*instances, *formset.deleted_objects], user=request.user, when=self._when)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for instance in instances:
            instance.save()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Rows edited here get their values read and the filing re-checked, as in the filing page.
        rows = list(form.instance.indicators.all())
        for row in rows:
            row.read_value()
        Indicator.objects.bulk_update(rows, PARSED_VALUE_FIELDS)
        filings_changed(filings=[form.instance])

    def get_urls(self):
        if self.kind != "project":
            return super().get_urls()
        return [
            path(
                "import-filings/", self.admin_site.admin_view(self.import_filings_view), name="projects_import_filings"
            ),
            path(
                "import-filings/confirm/",
                self.admin_site.admin_view(self.import_filings_confirm),
                name="projects_import_filings_confirm",
            ),
            *super().get_urls(),
        ]

    def import_filings_view(self, request):
        """The text upload: read and shown as what it would create and change, form by form; nothing is
        stored until the preview is confirmed (``import_filings_confirm``), as on the Excel page."""
        if not self.has_add_permission(request):
            return redirect("admin:projects_projectfiling_changelist")
        form = FilingUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload, year = form.cleaned_data["files"], form.cleaned_data["year"]
            data = upload.read()
            try:
                source = SourceFile(upload.name, decode_text(data, upload.name))
                preview = text_import(sources=[source], year=year, user=request.user, dry_run=True)
                storage = PendingUploadStorage()
                storage.save(data)
            except TextDecodeError as error:
                form.add_error("files", str(error))
            except FilingImportError as error:
                form.add_error("files", str(error))
            except UploadsUnavailable as error:
                form.add_error("files", str(error))
            else:
                pending = request.session.get(_TEXT_PENDING, {})
                pending[storage.name] = {
                    "file_name": upload.name,
                    "year": year,
                    "versions": versions_as_json(preview.versions),
                }
                request.session[_TEXT_PENDING] = pending
                context = {**self._import_context(request), "preview": preview, "token": storage.name}
                context["file_name"] = upload.name
                return TemplateResponse(request, "admin/projects/project/import_filings_preview.html", context)
        context = {**self._import_context(request), "form": form}
        return TemplateResponse(request, "admin/projects/project/import_filings.html", context)

    def import_filings_confirm(self, request):
        """Stores a previewed text upload, against the versions its preview read, in one transaction."""
        if request.method != "POST" or not self.has_add_permission(request):
            return redirect("admin:projects_import_filings")
        pending = request.session.get(_TEXT_PENDING, {})
        token = request.POST.get("token", "")
        upload = pending.pop(token, None)
        request.session[_TEXT_PENDING] = pending
        if upload is None:
            messages.error(request, "没有待确认的导入，或该导入已经完成；请重新上传")
            return redirect("admin:projects_import_filings")
        storage = PendingUploadStorage(name=token)
        try:
            data = storage.read() if storage.claim() else None
        except UploadsUnavailable as error:
            messages.error(request, str(error))
            return redirect("admin:projects_import_filings")
        if data is None:
            messages.error(request, storage.unavailable_message())
            return redirect("admin:projects_import_filings")
        name = upload["file_name"]
        try:
            result = text_import(
                sources=[SourceFile(name, decode_text(data, name))],
                year=upload["year"],
                user=request.user,
                versions=versions_from_json(upload["versions"]),
            )
        except FilingImportError as error:
            messages.error(request, f"{name}：未导入，{error}")
            return redirect("admin:projects_import_filings")
        finally:
            storage.remove()
        created, updated, unchanged = len(result.created), len(result.updated), len(result.unchanged)
        summary = f"{name}：新建 {created} 张，更新 {updated} 张，{unchanged} 张无变化"
        self.message_user(request, linked_summary(summary, result.changes), messages.SUCCESS)
        return redirect("admin:projects_projectfiling_changelist")

    def _import_context(self, request) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "导入申报表文本"}


def _header_inline(model: type) -> type[admin.StackedInline]:
    """The kind's header row under the filing's own fields: one, never deleted on its own."""
    return type(
        f"{model.__name__}Inline",
        (_EditableFilingInline, admin.StackedInline),
        {"model": model, "fk_name": "filing", "can_delete": False, "min_num": 1, "max_num": 1, "extra": 0},
    )


@admin.register(ProjectFiling)
class ProjectFilingAdmin(FilingAdmin):
    kind = "project"
    list_filter = [*FilingAdmin.list_filter, ProjectTypeFilter]
    inlines = [_header_inline(ProjectHeader), IndicatorInline]
    resource_classes = [RESOURCES["project"]]


@admin.register(ProgramFiling)
class ProgramFilingAdmin(FilingAdmin):
    kind = "program"
    list_display = ["short_name", "unit", "year", "status"]
    inlines = [_header_inline(ProgramHeader), IndicatorInline]
    resource_classes = [RESOURCES["program"]]


@admin.register(OverallFiling)
class OverallFilingAdmin(FilingAdmin):
    kind = "overall"
    list_display = ["unit", "year", "status"]
    inlines = [_header_inline(OverallHeader), TaskInline, IndicatorInline]
    resource_classes = [RESOURCES["overall"]]


class _CategoryOfLayout(forms.ModelChoiceField):
    """A 二级指标 named with its layout: the layouts share the names of their categories."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.template.name}：{obj}"


class IndicatorAdminForm(forms.ModelForm):
    """A 三级指标 row on its own page, with the version of its filing the page was opened on: a row's
    change is a change of its filing, checked and recorded as every other (``IndicatorAdmin``)."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user: Any = None  # who edits, set by IndicatorAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.filing.version

    def clean_weight(self) -> Any:
        return _clean_weight(self)

    def clean(self):
        cleaned = super().clean() or {}
        filing = self.instance.filing if self.instance.pk is not None else cleaned.get("filing")
        if filing is None:
            return cleaned
        if refusal := _refusal(filing.pk, cleaned.get("opened_version"), opened_on_it=self.instance.pk is not None):
            raise forms.ValidationError(refusal)
        category = cleaned.get("category")
        if category is not None and category.parent.template_id != filing.template_id:
            self.add_error("category", "该二级指标不属于此申报表的模板")
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(CappedCount, _VersionCheckedChanges, ListImportExportMixin, ImportExportModelAdmin):
    """The 三级指标 rows. Editing one here is editing its filing: only a 草稿 or 已退回 filing of a unit
    the user files for, checked against the filing's version the page was opened on; the value's
    parsed parts, the filing's stored checks, its version and history follow, as on the filing page."""

    form = IndicatorAdminForm
    resource_classes = [IndicatorResource]
    list_display = ["filing", "category", "position", "name", "value", "not_applicable"]
    list_filter = [RowKindFilter, RowYearFilter, "category__parent", "not_applicable"]
    search_fields = ["filing__code", "filing__name", "name", "value"]  # see get_search_results
    list_select_related = ["filing__department", "category__parent"]
    # A filing's rows together, in the order of the index on (filing, position), not by their categories.
    ordering = ["filing_id", "position", "id"]
    raw_id_fields = ["filing"]
    fields = ["filing", "category", "position", *ROW_COLUMNS, "not_applicable", "opened_version"]
    readonly_fields = ["comparator", "number", "unit", "source_line"]

    def get_queryset(self, request):
        return selectors.visible_filing_rows(super().get_queryset(request), request.user)

    def get_search_results(self, request, queryset, search_term):
        return search_rows(queryset, search_term), False

    def get_fields(self, request, obj=None):
        return [*self.fields, *self.get_readonly_fields(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        # A row stays with its filing.
        return [*self.readonly_fields, "filing"] if obj is not None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        made = super().get_form(request, obj, change=change, **kwargs)
        # Made again as a subclass knowing its user: the form's fields come out new, so they are set after.
        form: type[forms.ModelForm] = type(made.__name__, (made,), {"user": request.user})
        category = form.base_fields.get("category")
        if isinstance(category, forms.ModelChoiceField) and category.queryset is not None:
            if obj is not None:  # the categories of its filing's layout
                category.queryset = category.queryset.filter(parent__template_id=obj.filing.template_id)
            else:  # a new row: every layout's, each named with its layout (they share their names)
                form.base_fields["category"] = _CategoryOfLayout(
                    queryset=category.queryset.select_related("parent__template"),
                    label=category.label,
                    widget=category.widget,
                )
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "filing":
            # A new row goes to a filing the user may change.
            kwargs["queryset"] = Filing.objects.filter(
                department__in=selectors.filing_departments_for(request.user), status__in=list(EDITABLE_STATUSES)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj) and super().has_delete_permission(request, obj)

    def _may_write(self, request, obj) -> bool:
        return obj is None or (obj.filing.is_editable and selectors.can_file_for(request.user, obj.filing))

    def get_actions(self, request):
        # Deleting rows of several filings at once would bypass each filing's version check.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        when = timezone.now()
        filing = obj.filing
        opened = form.cleaned_data.get("opened_version")
        claim_version(filing=filing, version=opened if opened is not None else _current_version(filing))
        obj.read_value()
        stamp([obj], user=request.user, when=when)
        obj.save()
        self._changed(filing, request.user, when)

    def delete_model(self, request, obj):
        when = timezone.now()
        filing = obj.filing
        claim_version(filing=filing, version=_current_version(filing))
        stamp([obj], user=request.user, when=when)
        obj.delete()
        self._changed(filing, request.user, when)

    def _changed(self, filing: Filing, user, when) -> None:
        record_filing(filing, user=user, when=when)
        filings_changed(filings=[filing])


def _current_version(filing: Filing) -> int:
    return Filing.objects.values_list("version", flat=True).get(pk=filing.pk)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name"]
    autocomplete_fields = ["user", "department"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(department__in=selectors.departments_for(request.user))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        assignment_grant(user=obj.user, department=obj.department, role=obj.role)


@admin.register(Transition)
class TransitionAdmin(CappedCount, admin.ModelAdmin):
    list_display = ["filing", "from_status", "to_status", "user", "at"]
    list_filter = ["to_status"]
    search_fields = ["filing__code", "filing__name"]  # see get_search_results
    list_select_related = ["filing__department", "user"]
    readonly_fields = ["filing", "user", "at", "from_status", "to_status", "comment"]
    exclude = ["snapshot"]
    ordering = ["-at", "-id"]  # the latest steps first, by the index on the time

    def get_queryset(self, request):
        return selectors.visible_filing_rows(super().get_queryset(request), request.user).defer("snapshot")

    def get_search_results(self, request, queryset, search_term):
        return queryset.filter(filing__in=search_filings(Filing.objects.all(), search_term).values("pk")), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScopedUserAdmin(UserAdmin):
    """Account management for the 管理员 group without the power to make anyone a superuser."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def get_queryset(self, request):
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.exclude(is_superuser=True)


admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
