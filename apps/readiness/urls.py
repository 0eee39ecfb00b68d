from django.urls import path

from apps.readiness import views

app_name = "readiness"

urlpatterns = [
    path("", views.fleet_dashboard, name="fleet_dashboard"),
    path("departments/", views.department_rollup, name="department_rollup"),
]
