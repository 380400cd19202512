"""Excel downloads (one project, a department's year, the blank template) and the workbook upload
with its preview-then-confirm steps."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from budgetperf.downloads import safe_filename
from indicators.models import FormTemplate
from jobs.services import job_start
from projects.admin_lists import IMPORT_PERMISSION
from projects.forms import form_field
from projects.kinds import all_kinds
from projects.models import Department, Filing, Role
from projects.selectors import department_filings, departments_for, filing_for, filings_for, is_administrator
from projects.services.excel import CONTENT_TYPE, blank_template_workbook, filings_to_workbook
from projects.services.excel_import import WorkbookImport, WorkbookImportError, workbook_import
from projects.services.previews import linked_summary, versions_as_json, versions_from_json
from projects.uploads import PendingUploadStorage, UploadsUnavailable

_PENDING = "excel_pending_imports"  # session key: token → the upload awaiting confirmation


def can_import_workbooks(user) -> bool:
    if not user.has_perm(IMPORT_PERMISSION):
        return False
    return is_administrator(user) or departments_for(user, role=Role.FILER).exists()


class DepartmentYearForm(forms.Form):
    department = forms.ModelChoiceField(label="预算单位", queryset=Department.objects.none())
    year = forms.IntegerField(label="预算年度", min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "department", forms.ModelChoiceField).queryset = departments_for(user)


class BlankTemplateForm(DepartmentYearForm):
    kind = forms.ChoiceField(label="申报表", choices=[], initial="project")
    template = forms.ModelChoiceField(
        label="表样",
        queryset=FormTemplate.objects.order_by("kind", "-is_default", "pk"),
        required=False,
        empty_label="（单位的表样，未设置时为默认表样）",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "kind", forms.ChoiceField).choices = [(k.code, k.title) for k in all_kinds()]
        department = form_field(self, "department", forms.ModelChoiceField)
        department.required = False
        department.empty_label = "（不预填）"
        self.fields["year"].required = False

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        template, kind = cleaned.get("template"), cleaned.get("kind")
        if template is not None and template.kind != kind:
            self.add_error("template", f"表样“{template.name}”不是所选申报表的表样")
        elif template is None and kind == "project" and (department := cleaned.get("department")) is not None:
            # A unit that files on another layout gets its blank form in that layout.
            cleaned["template"] = department.template
        return cleaned


def _too_large_message() -> str:
    return f"文件大小超过上限 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:.0f} MB"


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(label="申报表工作簿（.xlsx）", required=False)
    year = forms.IntegerField(
        label="预算年度",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="工作表中填写了“预算年度”的以工作表为准；都未填写时由申报表推断",
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if self.too_large or (upload and upload.size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE):
            raise forms.ValidationError(_too_large_message())
        if not upload:
            raise forms.ValidationError("请选择要上传的工作簿")
        name = upload.name.lower()
        if name.endswith(".xls") or name.endswith(".et"):
            raise forms.ValidationError(
                f"{upload.name} 是旧版 Excel 文件（.xls），本系统无法读取：请在 Excel 中另存为 .xlsx 后上传"
            )
        if not name.endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(f"{upload.name}：请上传 Excel 工作簿（.xlsx）")
        return upload


class _SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit, so that a huge file never reaches the disk."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    disposition = content_disposition_header(as_attachment=True, filename=safe_filename(filename))
    if disposition is not None:  # always, for an attachment
        response["Content-Disposition"] = disposition
    return response


@login_required
def excel_home(request):
    return _home(request)


def _latest_year(user) -> int:
    """The year people most likely export: the latest one they have filings in."""
    latest = filings_for(user).aggregate(latest=Max("fiscal_year"))["latest"]
    return latest or timezone.localdate().year


def _home(request, *, upload_form=None, problems=None, status=200):
    user = request.user
    context = {
        "department_form": DepartmentYearForm(user=user, initial={"year": _latest_year(user)}, auto_id="department_%s"),
        "blank_form": BlankTemplateForm(user=user, auto_id="blank_%s"),
        "upload_form": upload_form or WorkbookUploadForm(),
        "can_import": can_import_workbooks(user),
        "problems": problems or [],
        "max_megabytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024 // 1024,
    }
    return render(request, "projects/excel/home.html", context, status=status)


@login_required
def filing_xlsx(request, pk):
    filing = filing_for(request.user, pk)
    data = filings_to_workbook(filings=Filing.objects.filter(pk=filing.pk))
    return _xlsx_response(data, f"{filing.title}.xlsx")


@login_required
def department_xlsx(request):
    form = DepartmentYearForm(request.GET, user=request.user)
    if not form.is_valid():
        messages.error(request, "请选择您有权查看的预算单位和预算年度")
        return redirect("projects:excel_home")
    department, year = form.cleaned_data["department"], form.cleaned_data["year"]
    filings = department_filings(department, year=year, user=request.user)
    count = filings.count()
    if not count:
        messages.warning(request, f"{department.name} 在 {year} 年度没有申报表")
        return redirect("projects:excel_home")
    stem = f"{department.name} {year}年度绩效目标申报表"
    if count > SMALL_WORKBOOK:
        job = job_start(
            kind="workbook_export",
            title=f"{stem}（Excel，{count} 张）",
            key=f"workbook_export:{request.user.pk}:{department.pk}:{year}",
            params={"department_id": department.pk, "year": year, "stem": stem},
            user=request.user,
        )
        return redirect("jobs:job", pk=job.pk)
    return _xlsx_response(filings_to_workbook(filings=filings), f"{stem}.xlsx")


@login_required
def blank_xlsx(request):
    form = BlankTemplateForm(request.GET, user=request.user)
    if not form.is_valid():
        problems = ["请选择您有权查看的预算单位"] if "department" in form.errors else []
        problems += [str(error) for name, errors in form.errors.items() if name != "department" for error in errors]
        messages.error(request, "；".join(problems))
        return redirect("projects:excel_home")
    department, year, kind = form.cleaned_data["department"], form.cleaned_data["year"], form.cleaned_data["kind"]
    data = blank_template_workbook(kind=kind, department=department, year=year, template=form.cleaned_data["template"])
    stem = f"{department.name} " if department else ""
    title = next(k.title for k in all_kinds() if k.code == kind)
    return _xlsx_response(data, f"{stem}{title}（模板）.xlsx")


# A department workbook of more filings than this, or a confirmed import of a larger file, is made
# by a background job; smaller ones in the request.
SMALL_WORKBOOK = 20
LARGE_IMPORT_BYTES = 1024 * 1024


def _require_import_permission(user) -> None:
    if not can_import_workbooks(user):
        raise PermissionDenied("您没有导入申报表的权限")


@csrf_exempt  # checked below, once the size limit is in place: the check itself reads the upload
@login_required
@require_POST
def workbook_upload(request):
    """Reads the workbook and shows what would be created and changed; nothing is stored yet."""
    limiter = _SizeLimitHandler(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    request.upload_handlers.insert(0, limiter)
    return _workbook_upload(request, limiter)


@csrf_protect
def _workbook_upload(request, limiter: _SizeLimitHandler):
    _require_import_permission(request.user)
    form = WorkbookUploadForm(request.POST, request.FILES, too_large=limiter.exceeded)
    if not form.is_valid():
        return _home(request, upload_form=form, status=400)
    upload, year = form.cleaned_data["workbook"], form.cleaned_data["year"]
    data = upload.read()
    try:
        preview = workbook_import(data=data, file_name=upload.name, user=request.user, year=year, dry_run=True)
    except WorkbookImportError as error:
        return _home(request, upload_form=form, problems=error.problems, status=400)
    storage = PendingUploadStorage()
    try:
        storage.save(data)
    except UploadsUnavailable as error:
        messages.error(request, str(error))
        return _home(request, upload_form=form, status=503)
    pending = request.session.get(_PENDING, {})
    token = storage.name
    # The confirmation is stored against the versions the preview read.
    pending[token] = {"file_name": upload.name, "year": year, "versions": versions_as_json(preview.versions)}
    request.session[_PENDING] = pending
    return render(request, "projects/excel/preview.html", {"preview": preview, "token": token})


@login_required
@require_POST
def workbook_confirm(request):
    """Stores the previewed workbook, re-checked as it stands now, in one transaction."""
    _require_import_permission(request.user)
    pending = request.session.get(_PENDING, {})
    token = request.POST.get("token", "")
    upload = pending.pop(token, None)
    request.session[_PENDING] = pending
    if upload is None:
        messages.error(request, "没有待确认的导入，或该导入已经完成；请重新上传工作簿")
        return redirect("projects:excel_home")
    storage = PendingUploadStorage(name=token)
    try:
        data = storage.read() if storage.claim() else None
    except UploadsUnavailable as error:
        messages.error(request, str(error))
        return redirect("projects:excel_home")
    if data is None:
        messages.error(request, storage.unavailable_message())
        return redirect("projects:excel_home")
    if len(data) > LARGE_IMPORT_BYTES:
        # The upload stays in the shared cache for the worker, which removes it once stored.
        job = job_start(
            kind="workbook_import",
            title=f"导入 {upload['file_name']}",
            key=f"workbook_import:{token}",
            params={
                "token": token,
                "file_name": upload["file_name"],
                "year": upload["year"],
                "versions": upload.get("versions"),
            },
            user=request.user,
        )
        return redirect("jobs:job", pk=job.pk)
    try:
        result = workbook_import(
            data=data,
            file_name=upload["file_name"],
            user=request.user,
            year=upload["year"],
            versions=versions_from_json(upload.get("versions")),
        )
    except WorkbookImportError as error:
        return _home(request, problems=error.problems, status=400)
    finally:
        storage.remove()
    messages.success(request, _imported_message(result))
    return redirect("projects:excel_home")


def _imported_message(result: WorkbookImport) -> str:
    """What the import did, with a link to each filing it created or updated."""
    return linked_summary(result.summary(result.file_name), result.changes)
