from django.urls import path

from projects.views import detail, excel, filing, lists, pdf, review, units

app_name = "projects"

urlpatterns: list = [
    path("", lists.filing_list_view, name="filing_list"),
    path("filings/list.xlsx", lists.filing_list_export_view, name="filing_list_export"),
    path("review/", lists.review_queue_view, name="review_queue"),
    path("review/approve/", review.batch_approve_view, name="batch_approve"),
    path("filings/new/<slug:kind>/", filing.filing_create_view, name="filing_create"),
    path("filings/submit/", review.batch_submit_view, name="batch_submit"),
    path("filings/<int:pk>/", detail.filing_detail_view, name="filing_detail"),
    path("filings/<int:pk>/edit/", filing.filing_edit_view, name="filing_edit"),
    path("filings/<int:pk>/submit/", review.filing_submit_view, name="filing_submit"),
    path("filings/<int:pk>/withdraw/", review.filing_withdraw_view, name="filing_withdraw"),
    path("filings/<int:pk>/review/", review.filing_review_view, name="filing_review"),
    path("filings/<int:pk>/approve/", review.filing_approve_view, name="filing_approve"),
    path("filings/<int:pk>/return/", review.filing_return_view, name="filing_return"),
    path("filings/<int:pk>/xlsx/", excel.filing_xlsx, name="filing_xlsx"),
    path("filings/<int:pk>/pdf/", pdf.filing_pdf, name="filing_pdf"),
    path("export/pdf/", pdf.department_pdf, name="department_pdf"),
    path("units/", units.district_view, name="district"),
    path("units/<int:department_id>/<int:year>/", units.unit_year_view, name="unit_year"),
    path("units/<int:department_id>/<int:year>/links/", units.task_link_view, name="task_link"),
    path("units/<int:department_id>/<int:year>/overview.xlsx", units.unit_year_xlsx, name="unit_year_xlsx"),
    path("units/<int:department_id>/<int:year>/overview.pdf", units.unit_year_pdf_view, name="unit_year_pdf"),
    path("excel/", excel.excel_home, name="excel_home"),
    path("excel/department.xlsx", excel.department_xlsx, name="department_xlsx"),
    path("excel/template.xlsx", excel.blank_xlsx, name="blank_xlsx"),
    path("excel/import/", excel.workbook_upload, name="workbook_upload"),
    path("excel/import/confirm/", excel.workbook_confirm, name="workbook_confirm"),
]
