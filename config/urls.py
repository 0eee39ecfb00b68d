from django.contrib import admin
from django.urls import include, path

from apps.core.views import home

admin.site.site_header = "Cyber Readiness Portal administration"
admin.site.site_title = "Cyber Readiness Portal"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("apps.accounts.urls")),
    path("agencies/", include("apps.tracking.urls")),
    path("fleet/", include("apps.readiness.urls")),
    path("admin/", admin.site.urls),
]
