from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its landing page: a CISO to their agency, the others to the fleet."""
    from apps.accounts.selectors import landing_url_for

    return redirect(landing_url_for(user=request.user))
