from django.urls import path

from apps.tracking import views

app_name = "tracking"

urlpatterns = [
    path("<int:agency_id>/", views.agency_detail, name="agency_detail"),
]
