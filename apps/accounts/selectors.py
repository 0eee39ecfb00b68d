from django.urls import reverse

from apps.accounts.models import User


def landing_url_for(*, user: User) -> str:
    """Where a user lands after sign-in: a CISO on their agency, everyone else on the fleet."""
    if user.is_ciso:
        return reverse("tracking:agency_detail", kwargs={"agency_id": user.agency_id})
    return reverse("readiness:fleet_dashboard")
