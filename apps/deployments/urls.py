from django.urls import path

from apps.deployments import views

app_name = "deployments"

# Mounted at agencies/<int:agency_id>/deployments/ (config/urls.py): every view takes agency_id.
urlpatterns = [
    path("", views.deployment_list, name="list"),
    path("new/", views.deployment_create, name="create"),
    path("<int:pk>/edit/", views.deployment_edit, name="edit"),
    path("endpoints/", views.agency_endpoints_edit, name="endpoints"),
]
