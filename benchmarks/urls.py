"""The portal's URLs plus a minimal signed-in page (the dashboard benchmark's baseline): the
same base template, no data."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import TemplateView

from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path(
        "__bench__/blank/",
        login_required(TemplateView.as_view(template_name="base.html")),
        name="bench_blank",
    ),
    *portal_urlpatterns,
]
