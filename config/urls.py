from django.contrib import admin
from django.urls import include, path

from apps.portal.views import home

admin.site.site_header = "Cyber Readiness Portal administration"
admin.site.site_title = "Cyber Readiness Portal"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("apps.accounts.urls")),
    # An agency's pages: tasks, evidence, extensions, history (tracking), tool deployments,
    # vulnerability remediation. Every view resolves the agency through the user's scope.
    path("agencies/", include("apps.tracking.urls")),
    path("agencies/<int:agency_id>/deployments/", include("apps.deployments.urls")),
    path("agencies/<int:agency_id>/vulnerabilities/", include("apps.clearinghouse.urls")),
    path("fleet/", include("apps.readiness.urls")),
    path("reports/", include("apps.reports.urls")),
    path("review/", include("apps.review.urls")),
    path("audit/", include("apps.audit.urls")),
    path("notices/", include("apps.notices.urls")),
    path("admin/", admin.site.urls),
]
