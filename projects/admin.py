from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator
from indicators.values import PARSED_VALUE_FIELDS
from projects import selectors
from projects.admin_lists import ListImportExportMixin
from projects.models import Assignment, Department, Project, Transition
from projects.resources import IndicatorResource, ProjectResource
from projects.services.accounts import assignment_grant
from projects.services.changes import filings_changed
from projects.services.imports import FilingImportError, SourceFile, import_filings
from projects.services.prerender import prerender_after_commit


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
            prerender_after_commit(projects=selectors.department_projects(obj))


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["category", "position", "name", "value", "explanation", "not_applicable"]
    ordering = ["category__parent__order", "category__order", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category__parent")


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


@admin.register(Project)
class ProjectAdmin(ListImportExportMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "applicant", "fiscal_year", "project_type", "current_amount", "status"]
    list_filter = ["fiscal_year", "status", "project_type", ("applicant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    list_select_related = ["applicant"]
    autocomplete_fields = ["applicant", "top_unit"]
    readonly_fields = ["source_file", "source_line", "created_at", "updated_at"]
    inlines = [IndicatorInline]
    import_export_change_list_template = "admin/projects/project/change_list.html"
    resource_classes = [ProjectResource]

    def get_queryset(self, request):
        # The admin shows staff only the projects of their departments, like every other page.
        return selectors.visible_projects(super().get_queryset(request), request.user)

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the history of objects outside the queryset; refuse that.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Rows edited here get their values read and the filing re-checked, as in the filing page.
        rows = list(form.instance.indicators.all())
        for row in rows:
            row.read_value()
        Indicator.objects.bulk_update(rows, PARSED_VALUE_FIELDS)
        filings_changed(projects=[form.instance])

    def save_model(self, request, obj, form, change):
        if change:
            # An open filing page must notice this save (optimistic locking on version).
            obj.version += 1
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "import-filings/", self.admin_site.admin_view(self.import_filings_view), name="projects_import_filings"
            ),
            *super().get_urls(),
        ]

    def import_filings_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:projects_project_changelist")
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
                    f"{upload.name}：新建 {len(result.created)} 个项目，更新 {len(result.updated)} 个项目",
                    messages.SUCCESS,
                )
                return redirect("admin:projects_project_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "导入申报表",
        }
        return TemplateResponse(request, "admin/projects/project/import_filings.html", context)


@admin.register(Indicator)
class IndicatorAdmin(ListImportExportMixin, ImportExportModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["project", "category", "position", "name", "value", "not_applicable"]
    list_filter = ["project__fiscal_year", "category__parent", "not_applicable"]
    search_fields = ["project__code", "project__name", "name", "value"]
    list_select_related = ["project", "category__parent"]
    raw_id_fields = ["project"]
    readonly_fields = ["comparator", "number", "unit", "source_line"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(project__in=selectors.projects_for(request.user))


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
    list_display = ["project", "from_status", "to_status", "user", "at"]
    list_filter = ["to_status"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project", "user"]
    readonly_fields = ["project", "user", "at", "from_status", "to_status", "comment"]
    exclude = ["snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(project__in=selectors.projects_for(request.user))

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
