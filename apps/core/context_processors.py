from django.conf import settings


def portal(request):
    """Values every page shows: the marking banner."""
    return {"PORTAL_MARKING": settings.REPORT_MARKING}
