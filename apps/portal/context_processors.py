from django.conf import settings

from apps.agencies.permissions import can_review


def portal(request):
    """Values every page shows: the marking banner, and whether the user does oversight's
    work (the navigation offers the review queues and the audit log by it)."""
    user = getattr(request, "user", None)
    return {
        "PORTAL_MARKING": settings.REPORT_MARKING,
        "user_can_review": user is not None and can_review(user=user),
    }
