from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def fleet_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.sees_all_agencies:
        raise Http404
    return render(request, "readiness/fleet_dashboard.html", {})
