from django.urls import path

from projects.views import detail, excel, filing, lists, pdf, review

app_name = "projects"

urlpatterns: list = [
    path("", lists.project_list_view, name="project_list"),
    path("review/", lists.review_queue_view, name="review_queue"),
    path("review/approve/", review.batch_approve_view, name="batch_approve"),
    path("projects/new/", filing.project_create_view, name="project_create"),
    path("projects/submit/", review.batch_submit_view, name="batch_submit"),
    path("projects/<int:pk>/", detail.project_detail_view, name="project_detail"),
    path("projects/<int:pk>/edit/", filing.project_edit_view, name="project_edit"),
    path("projects/<int:pk>/submit/", review.project_submit_view, name="project_submit"),
    path("projects/<int:pk>/withdraw/", review.project_withdraw_view, name="project_withdraw"),
    path("projects/<int:pk>/review/", review.project_review_view, name="project_review"),
    path("projects/<int:pk>/approve/", review.project_approve_view, name="project_approve"),
    path("projects/<int:pk>/return/", review.project_return_view, name="project_return"),
    path("projects/<int:pk>/xlsx/", excel.project_xlsx, name="project_xlsx"),
    path("projects/<int:pk>/pdf/", pdf.project_pdf, name="project_pdf"),
    path("export/pdf/", pdf.department_pdf, name="department_pdf"),
    path("excel/", excel.excel_home, name="excel_home"),
    path("excel/department.xlsx", excel.department_xlsx, name="department_xlsx"),
    path("excel/template.xlsx", excel.blank_xlsx, name="blank_xlsx"),
    path("excel/import/", excel.workbook_upload, name="workbook_upload"),
    path("excel/import/confirm/", excel.workbook_confirm, name="workbook_confirm"),
]
