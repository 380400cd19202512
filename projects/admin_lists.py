"""What the admin's list import/export adds to django-import-export: its own permission, a size
limit, safe formats, Chinese messages, and all-or-nothing imports."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm

from projects.parsers.workbook_guard import WorkbookRejected
from projects.resources import LIST_FORMATS
from projects.uploads import PendingUploadStorage

IMPORT_PERMISSION = "projects.import_filings"
_PREVIEWED = "admin_previewed_imports"  # session key: the uploads previewed, awaiting confirmation


class ListImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if upload.size > limit:
            raise ValidationError(f"文件大小超过上限 {limit / 1024 / 1024:.0f} MB")
        return upload


class ListImportExportMixin(ImportExportMixin):
    import_form_class = ListImportForm
    formats = LIST_FORMATS
    import_error_display = ("message", "row")

    def has_import_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import stores every row or, if any row became invalid since the preview, none.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        confirm_form = getattr(response, "context_data", {}).get("confirm_form")
        if confirm_form is not None:
            # The previewed upload may be confirmed from this session only, as on the Excel page.
            previewed = request.session.get(_PREVIEWED, [])
            request.session[_PREVIEWED] = [*previewed, self._previewed_as(confirm_form.initial["import_file_name"])][
                -20:
            ]
        return response

    def process_import(self, request, **kwargs):
        # An upload confirmed after it expired, twice, or from another session is asked for again.
        name = request.POST.get("import_file_name")
        if self.has_import_permission(request) and name:
            previewed, mine = request.session.get(_PREVIEWED, []), self._previewed_as(name)
            if mine not in previewed or not PendingUploadStorage(name=name).claim():
                messages.error(request, "待确认的文件已过期或已经导入，请重新上传")
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
            request.session[_PREVIEWED] = [other for other in previewed if other != mine]
        return super().process_import(request, **kwargs)

    def _previewed_as(self, name: str) -> str:
        return f"{self.model._meta.label_lower}:{name}"

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, WorkbookRejected):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", f"无法读取文件（{type(e).__name__}），请确认文件格式与所选格式一致")

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        rows = sorted({row.number for row in result.invalid_rows} | {row.number for row in result.error_rows})
        where = f"第 {'、'.join(map(str, rows))} 行有错误" if rows else "文件有错误"
        messages.error(request, f"导入未完成：{where}，未写入任何数据，请重新导入并查看预览")
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
