from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from apps.agencies.models import Agency
from apps.agencies.permissions import can_edit_agency
from apps.directives.selectors import directive_clock_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its landing page: a CISO to their agency, the others to the fleet."""
    from apps.accounts.selectors import landing_url_for

    return redirect(landing_url_for(user=request.user))


def agency_page_context(
    request: HttpRequest,
    agency: Agency,
    tab: str,
    *,
    clock: dict[str, Any] | None = None,
    with_clock: bool = True,
) -> dict[str, Any]:
    """What every page of one agency shows around its content (the agency header with its
    tabs, tracking/partials/_agency_header.html, and the clock banner): `agency`,
    `active_tab`, `can_edit` (the user may change the agency's records), and the directive's
    `directive`, `clock` and `tz`.

    `clock` is a clock context the caller has already read (a page that also needs the
    milestone schedule); without one it is read here (one query). With `with_clock` False
    there is none: an htmx request that redraws only part of a page shows no banner."""
    if clock is None and with_clock:
        clock = directive_clock_context()
    return {
        **(clock or {}),
        "agency": agency,
        "active_tab": tab,
        "can_edit": can_edit_agency(user=request.user, agency_id=agency.pk),
    }
