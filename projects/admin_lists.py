"""What the admin's list import/export adds to django-import-export: its own permission, size and row
limits, safe formats, Chinese messages, all-or-nothing imports, and confirmations stored against the
versions their preview read."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm

from budgetperf.downloads import safe_filename
from projects.models import Department
from projects.parsers.text import TextDecodeError
from projects.parsers.workbook_guard import WorkbookRejected
from projects.resources import LIST_FORMATS, ListTooLong
from projects.services.previews import versions_as_json, versions_from_json
from projects.uploads import PendingUploadStorage, UploadsUnavailable

IMPORT_PERMISSION = "projects.import_filings"
_PREVIEWED = "admin_previewed_imports"  # session key: the uploads previewed, awaiting confirmation
_VERSIONS = "admin_previewed_versions"  # session key: each of those → the filings' versions its preview read


class ListImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if upload.size > limit:
            raise ValidationError(f"文件大小超过上限 {limit / 1024 / 1024:.0f} MB")
        return upload


class ListExportForm(SelectableFieldsExportForm):
    """The export page's check boxes labelled with the columns the file will have (预算年度), not the
    library's "Fiscal Year (预算年度)" made from attribute names."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        for resource in resources:
            columns = resource().fields
            for name in resource().get_export_order():
                self.fields[self.create_boolean_field_name(resource, name)].label = columns[name].column_name


class ListImportExportMixin(ImportExportMixin):
    import_form_class = ListImportForm
    export_form_class = ListExportForm
    formats = LIST_FORMATS
    import_error_display = ("message", "row")
    # CSV with a BOM: Excel on Chinese Windows reads a CSV without one as GBK, and shows UTF-8 garbled.
    to_encoding = "utf-8-sig"

    def get_export_filename(self, request, queryset, file_format):
        """What the list holds, in Chinese: 二级项目 2023年度 某单位（导出于 2026-12-07）.csv."""
        parts = [str(self.model._meta.verbose_name_plural)]
        filters = request.GET
        year = filters.get("fiscal_year__exact") or filters.get("filing__fiscal_year__exact")
        if year and year.isdigit():
            parts.append(f"{year}年度")
        unit = filters.get("department__id__exact")
        if unit and unit.isdigit() and (department := Department.objects.filter(pk=unit).first()) is not None:
            parts.append(department.name)
        stem = " ".join(parts) + f"（导出于 {timezone.localdate():%Y-%m-%d}）"
        return safe_filename(f"{stem}.{file_format.get_extension()}")

    def export_action(self, request):
        # The library writes the name into the header as is, which garbles a Chinese one; this is
        # the header browsers read (RFC 6266, with the name encoded as UTF-8).
        response = super().export_action(request)
        if response.has_header("Content-Disposition"):
            formats = self.get_export_formats()
            try:
                file_format = formats[int(request.POST.get("format", ""))]()
            except (ValueError, IndexError):
                return response
            name = self.get_export_filename(request, None, file_format)
            response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response

    def has_import_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import stores every row or, if any row became invalid since the preview, none.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        try:
            response = super().import_action(request, **kwargs)
        except UploadsUnavailable as error:  # the upload could not be kept for its confirmation
            messages.error(request, str(error))
            return HttpResponseRedirect(request.get_full_path())
        context = getattr(response, "context_data", {})
        confirm_form = context.get("confirm_form")
        if confirm_form is not None:
            # The previewed upload may be confirmed from this session only, as on the Excel page.
            previewed = request.session.get(_PREVIEWED, [])
            mine = self._previewed_as(confirm_form.initial["import_file_name"])
            request.session[_PREVIEWED] = kept = [*previewed, mine][-20:]
            # Its confirmation is stored against the versions of the filings the preview read.
            versions = {**request.session.get(_VERSIONS, {}), mine: versions_as_json(context["result"].read_versions)}
            request.session[_VERSIONS] = {name: versions[name] for name in kept if name in versions}
        return response

    def process_import(self, request, **kwargs):
        # An upload confirmed after it expired, twice, or from another session is asked for again.
        name = request.POST.get("import_file_name")
        if self.has_import_permission(request) and name:
            previewed, mine = request.session.get(_PREVIEWED, []), self._previewed_as(name)
            storage = PendingUploadStorage(name=name)
            try:
                if mine not in previewed:  # imported already (from this session), or another session's
                    problem = "待确认的文件已过期或已经导入，请重新上传"
                else:  # expired, or confirmed by a request that did not finish: the storage says which
                    problem = "" if storage.claim() else storage.unavailable_message()
            except UploadsUnavailable as error:
                problem = str(error)
            if problem:
                messages.error(request, problem)
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
            request.session[_PREVIEWED] = [other for other in previewed if other != mine]
            kept = request.session.get(_VERSIONS, {})
            kwargs["versions"] = versions_from_json(kept.pop(mine, None))
            request.session[_VERSIONS] = kept
        return super().process_import(request, **kwargs)

    def _previewed_as(self, name: str) -> str:
        return f"{self.model._meta.label_lower}:{name}"

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, WorkbookRejected | ListTooLong | TextDecodeError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", f"无法读取文件（{type(e).__name__}），请确认文件格式与所选格式一致")

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        rows = sorted({row.number for row in result.invalid_rows} | {row.number for row in result.error_rows})
        where = f"第 {'、'.join(map(str, rows))} 行有错误" if rows else "文件有错误"
        reasons = "；".join(_reasons(result)[:3])
        messages.error(request, f"导入未完成：{where}（{reasons}），未写入任何数据，请重新导入并查看预览")
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def _reasons(result) -> list[str]:
    """Why rows were refused, each reason once, in the order of the rows."""
    found: list[str] = []
    for row in sorted(result.invalid_rows, key=lambda row: row.number):
        found += [message for messages in row.error_dict.values() for message in messages]
    for error_row in result.error_rows:
        found += [str(error.error) for error in error_row.errors]
    for error in result.base_errors:
        found.append(str(error.error))
    return list(dict.fromkeys(found))
