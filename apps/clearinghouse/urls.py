from django.urls import path

from apps.clearinghouse import views

app_name = "clearinghouse"

# Mounted at agencies/<int:agency_id>/vulnerabilities/ (config/urls.py).
urlpatterns = [
    path("", views.remediation_list, name="remediation_list"),
    path("mark/", views.remediation_mark, name="remediation_mark"),
]
