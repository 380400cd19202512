"""PDF downloads of the printed form: one filing, or a department's filings of a year."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render

from budgetperf.downloads import safe_filename
from jobs.services import job_start
from projects.background import batch_filings
from projects.forms import form_field
from projects.models import Department
from projects.printing.deadline import RenderTooLong
from projects.selectors import exporting_departments_for, filing_for, filings_for
from projects.services import pdf as pdf_services

# A batch of up to this many forms is exported in the request; a larger one by a background job.
SMALL_BATCH = 10


def _download(content: bytes, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=safe_filename(filename), content_type=content_type
    )


@login_required
def filing_pdf(request, pk):
    filing = filing_for(request.user, pk)
    try:
        pdf = pdf_services.filing_pdf(filing=filing, review=pdf_services.printed_reviews([filing]).get(filing.pk))
    except RenderTooLong as error:
        messages.error(request, str(error))
        return redirect("projects:filing_detail", pk=filing.pk)
    return _download(pdf, pdf_services.pdf_filename(filing), "application/pdf")


class DepartmentExportForm(forms.Form):
    department = forms.ModelChoiceField(label="预算单位", queryset=Department.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label="预算年度", coerce=int)
    output = forms.ChoiceField(
        label="导出方式",
        choices=[("pdf", "合并为一个 PDF（每个项目从新的一页开始）"), ("zip", "每个项目一个 PDF，打包为 zip")],
        initial="pdf",
        widget=forms.RadioSelect,
    )
    whole_district = forms.BooleanField(label="导出该单位所在区的全部申报表（您有权查看的）", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "department", forms.ModelChoiceField).queryset = exporting_departments_for(user)
        years = filings_for(user).order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
        form_field(self, "year", forms.ChoiceField).choices = [(year, f"{year}年") for year in years]


@login_required
def department_pdf(request):
    """The export page. Submitting it (GET, so the link can be shared) downloads a small batch at
    once; a larger one, or a whole district, is made by a background job, whose page shows its
    progress and then the file."""
    form = DepartmentExportForm(request.GET or None, user=request.user)
    if form.is_valid():
        department, year, output = (
            form.cleaned_data["department"],
            form.cleaned_data["year"],
            form.cleaned_data["output"],
        )
        district = department.district if form.cleaned_data["whole_district"] else ""
        params = {"year": year, "output": output} | (
            {"district": district} if district else {"department_id": department.pk}
        )
        filings = batch_filings(params, request.user)
        stem = f"{district or department.name}_{year}年_绩效目标申报表"
        if not filings:
            form.add_error(None, f"{district or department.name}在{year}年度没有可导出的申报表。")
        elif len(filings) > SMALL_BATCH:
            scope = f"district:{district}" if district else f"department:{department.pk}"
            job = job_start(
                kind="pdf_batch",
                title=f"{stem}（{'zip' if output == 'zip' else 'PDF'}，{len(filings)} 张）",
                key=f"pdf_batch:{request.user.pk}:{scope}:{year}:{output}",
                params=params | {"stem": stem},
                user=request.user,
            )
            return redirect("jobs:job", pk=job.pk)
        else:
            reviews = pdf_services.printed_reviews(filings)
            try:
                if output == "zip":
                    archive = pdf_services.filings_zip(filings=filings, reviews=reviews)
                    return _download(archive, f"{stem}.zip", "application/zip")
                pdf = pdf_services.filings_pdf(filings=filings, reviews=reviews, title=stem)
                return _download(pdf, f"{stem}.pdf", "application/pdf")
            except RenderTooLong as error:
                form.add_error(None, str(error))
    return render(request, "projects/pdf_export.html", {"form": form, "small_batch": SMALL_BATCH})
