from django.urls import path

from apps.notices import views

app_name = "notices"

# A user's own notices only: each view resolves a notice through the user's scope, so
# another user's ids answer 404.
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read/", views.notice_mark_all_read, name="mark_all_read"),
    path("settings/", views.notice_preferences, name="preferences"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/read/", views.notice_mark_read, name="mark_read"),
]
