from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.agencies.selectors import agency_get_for_user


@login_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = agency_get_for_user(user=request.user, agency_id=agency_id)
    return render(request, "tracking/agency_detail.html", {"agency": agency})
