from django.urls import path

from projects.views import excel

app_name = "projects"

urlpatterns: list = [
    path("projects/<int:pk>/xlsx/", excel.project_xlsx, name="project_xlsx"),
    path("excel/", excel.excel_home, name="excel_home"),
    path("excel/department.xlsx", excel.department_xlsx, name="department_xlsx"),
    path("excel/template.xlsx", excel.blank_xlsx, name="blank_xlsx"),
    path("excel/import/", excel.workbook_upload, name="workbook_upload"),
    path("excel/import/confirm/", excel.workbook_confirm, name="workbook_confirm"),
]
