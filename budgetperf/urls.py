from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Signing in and out and changing one's password. No password reset: the app sends no mail, so a
# forgotten password is set again by an administrator (the login page says so).
accounts = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

# The admin speaks of this application, not of Django: every admin page's title, header and home.
admin.site.site_header = admin.site.site_title = "预算绩效目标申报 管理"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("", include("projects.urls")),
    path("checks/", include("checks.urls")),
    path("notices/", include("notices.urls")),
    path("jobs/", include("jobs.urls")),
]
