from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator
from projects.admin_lists import ListImportExportMixin
from projects.models import Department, Project
from projects.resources import IndicatorResource, ProjectResource
from projects.selectors import projects_for
from projects.services.imports import FilingImportError, SourceFile, import_filings


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "parent"]
    list_filter = ["district"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["category", "position", "name", "value", "explanation", "not_applicable"]
    ordering = ["category__parent__order", "category__order", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category__parent")


class FilingUploadForm(forms.Form):
    files = forms.FileField(label="申报表文本文件", widget=forms.ClearableFileInput(attrs={"multiple": False}))
    year = forms.IntegerField(label="预算年度", required=False, min_value=2000, max_value=2100,
                              help_text="留空则由申报表推断（如“2023年12月前”）")


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
        return super().get_queryset(request).filter(pk__in=projects_for(request.user).values("pk"))

    def get_urls(self):
        return [
            path("import-filings/", self.admin_site.admin_view(self.import_filings_view), name="projects_import_filings"),
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
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": "导入申报表"}
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
        return super().get_queryset(request).filter(project__in=projects_for(request.user).values("pk"))
