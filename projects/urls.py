from django.urls import path

app_name = "projects"

urlpatterns: list = [
]

from projects.views import pdf as pdf_views  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/pdf/", pdf_views.project_pdf, name="project_pdf"),
    path("export/pdf/", pdf_views.department_pdf, name="department_pdf"),
]
