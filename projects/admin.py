from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import Indicator
from indicators.values import PARSED_VALUE_FIELDS
from projects import selectors
from projects.admin_lists import ListImportExportMixin
from projects.models import (
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
    Transition,
)
from projects.resources import RESOURCES, IndicatorResource
from projects.services.accounts import assignment_grant
from projects.services.changes import filings_changed
from projects.services.imports import FilingImportError, SourceFile, import_filings
from projects.services.prerender import prerender_after_commit
from projects.services.writing import claim_version, stamp


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "parent"]
    list_filter = ["district"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request) & selectors.departments_for(request.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # The name is printed on the forms as 申请单位 or 一级预算单位.
            prerender_after_commit(filings=selectors.department_filings(obj))


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["category", "position", "name", "value", "explanation", "not_applicable"]
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


class TaskInline(admin.TabularInline):
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


class FilingAdminForm(forms.ModelForm):
    """The filing's own fields, with the version the page was opened on (see ``FilingAdmin.save_model``)."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean() or {}
        opened = cleaned.get("opened_version")
        if self.instance.pk is not None and opened is not None:
            current = Filing.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != opened:
                raise forms.ValidationError(
                    f"保存失败：在您打开本页之后，该申报表已被他人保存（现为第 {current} 版）。请刷新页面核对后再修改。"
                )
        return cleaned


class FilingAdmin(ListImportExportMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """One kind's filings (through its proxy model): the filing, its header, its rows and tasks.

    The status is never edited here: it changes through the review workflow only, which records
    every step. A save is one change in the history, checked against the version the page was
    opened on like every other write.
    """

    kind: str
    form = FilingAdminForm
    list_display = ["code", "name", "department", "fiscal_year", "status"]
    list_filter = ["fiscal_year", "status", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "department__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fields = ["template", "department", "fiscal_year", "code", "name", "amount_unit", "opened_version"]
    readonly_fields = ["status", "version", "source_file", "source_line", "created_at", "updated_at"]
    import_export_change_list_template = "admin/projects/project/change_list.html"

    def get_fields(self, request, obj=None):
        return [*self.fields, *self.readonly_fields]

    def get_queryset(self, request):
        # The admin shows staff only the filings of their units, like every other page.
        return selectors.visible_filings(super().get_queryset(request), request.user)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history of objects outside the queryset; refuse that.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        self._when = timezone.now()
        obj.kind = self.kind
        if change:
            # Of two saves of one version, only the first goes through.
            claim_version(filing=obj, version=form.cleaned_data.get("opened_version") or obj.version)
        stamp([obj], user=request.user, when=self._when)
        # These pages edit proxies of Filing, whose saves django-simple-history does not record (it
        # listens to Filing itself); its bulk helpers write the row and the filing's history record.
        obj.updated_at = self._when
        if change:
            names = [field.name for field in Filing._meta.concrete_fields if not field.primary_key]
            bulk_update_with_history([obj], Filing, names, default_user=request.user, default_date=self._when)
        else:
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
            *super().get_urls(),
        ]

    def import_filings_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:projects_projectfiling_changelist")
        form = FilingUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["files"]
            try:
                text = upload.read().decode("utf-8-sig")
                result = import_filings(
                    sources=[SourceFile(upload.name, text)], year=form.cleaned_data["year"], user=request.user
                )
            except UnicodeDecodeError:
                form.add_error("files", f"{upload.name}：不是 UTF-8 编码的文本文件")
            except FilingImportError as error:
                form.add_error("files", str(error))
            else:
                self.message_user(
                    request,
                    f"{upload.name}：新建 {result.count(result.created)}，更新 {result.count(result.updated)}",
                    messages.SUCCESS,
                )
                return redirect("admin:projects_projectfiling_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "导入申报表",
        }
        return TemplateResponse(request, "admin/projects/project/import_filings.html", context)


def _header_inline(model: type) -> type[admin.StackedInline]:
    """The kind's header row under the filing's own fields: one, never deleted on its own."""
    return type(
        f"{model.__name__}Inline",
        (admin.StackedInline,),
        {"model": model, "fk_name": "filing", "can_delete": False, "min_num": 1, "max_num": 1, "extra": 0},
    )


@admin.register(ProjectFiling)
class ProjectFilingAdmin(FilingAdmin):
    kind = "project"
    list_display = ["code", "name", "department", "fiscal_year", "status"]
    list_filter = [*FilingAdmin.list_filter, "project_header__project_type"]
    inlines = [_header_inline(ProjectHeader), IndicatorInline]
    resource_classes = [RESOURCES["project"]]


@admin.register(ProgramFiling)
class ProgramFilingAdmin(FilingAdmin):
    kind = "program"
    list_display = ["name", "department", "fiscal_year", "status"]
    inlines = [_header_inline(ProgramHeader), IndicatorInline]
    resource_classes = [RESOURCES["program"]]


@admin.register(OverallFiling)
class OverallFilingAdmin(FilingAdmin):
    kind = "overall"
    list_display = ["department", "fiscal_year", "status"]
    inlines = [_header_inline(OverallHeader), TaskInline, IndicatorInline]
    resource_classes = [RESOURCES["overall"]]


@admin.register(Indicator)
class IndicatorAdmin(ListImportExportMixin, ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["filing", "category", "position", "name", "value", "not_applicable"]
    list_filter = ["filing__kind", "filing__fiscal_year", "category__parent", "not_applicable"]
    search_fields = ["filing__code", "filing__name", "name", "value"]
    list_select_related = ["filing__department", "category__parent"]
    raw_id_fields = ["filing"]
    readonly_fields = ["comparator", "number", "unit", "source_line"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(filing__in=selectors.filings_for(request.user))


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
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["filing", "from_status", "to_status", "user", "at"]
    list_filter = ["to_status"]
    search_fields = ["filing__code", "filing__name"]
    list_select_related = ["filing__department", "user"]
    readonly_fields = ["filing", "user", "at", "from_status", "to_status", "comment"]
    exclude = ["snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(filing__in=selectors.filings_for(request.user))

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
