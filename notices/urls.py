from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list_view, name="list"),
    path("<int:pk>/", views.notice_open_view, name="open"),
    path("read/", views.notices_read_all_view, name="read_all"),
]
