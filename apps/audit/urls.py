from django.urls import path

from apps.audit import views

app_name = "audit"

# Oversight only: both views read through apps.audit.selectors, which answers anyone else
# with a 404.
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_log_csv, name="log_csv"),
]
