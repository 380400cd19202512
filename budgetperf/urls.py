from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("projects.urls")),
    path("checks/", include("checks.urls")),
    path("notices/", include("notices.urls")),
    path("jobs/", include("jobs.urls")),
]
