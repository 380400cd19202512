from django.urls import path

from checks import views

app_name = "checks"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.xlsx", views.report_export, name="report_export"),
]
