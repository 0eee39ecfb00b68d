from django.urls import path

from apps.tracking import views

app_name = "tracking"

# Every URL names its agency; each view resolves the agency and the record through the
# user's scope, so another agency's ids answer 404.
urlpatterns = [
    path("<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("<int:agency_id>/tasks/<int:pk>/", views.agency_task_detail, name="agency_task_detail"),
    path("<int:agency_id>/tasks/<int:pk>/row/", views.agency_task_row, name="agency_task_row"),
    path("<int:agency_id>/tasks/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "<int:agency_id>/tasks/<int:pk>/extensions/",
        views.extension_request_new,
        name="extension_request_new",
    ),
    path(
        "<int:agency_id>/evidence/<int:pk>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("<int:agency_id>/extensions/", views.extension_list, name="extension_list"),
]
