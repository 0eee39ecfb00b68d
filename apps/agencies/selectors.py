from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.permissions import can_edit_agency


def agency_list_for_user(*, user: User) -> QuerySet[Agency]:
    """Agencies the user may read: all for oversight and leadership, only their own for a
    CISO, none for anyone else."""
    qs = Agency.objects.select_related("parent")
    if not user.is_authenticated:
        return qs.none()
    if user.sees_all_agencies:
        return qs
    if user.is_ciso:
        return qs.filter(pk=user.agency_id)
    return qs.none()


def agency_get_for_user(*, user: User, agency_id: int) -> Agency:
    """The agency if the user may read it; otherwise the same 404 as for a missing one, so a
    foreign agency's existence never leaks."""
    try:
        return agency_list_for_user(user=user).get(pk=agency_id)
    except Agency.DoesNotExist as exc:
        raise Http404("No such agency.") from exc


def agency_get_for_editor(*, user: User, agency_id: int) -> Agency:
    """The agency if the user may change its records: 404 if they may not even read it
    (a foreign agency stays invisible), 403 if they may read but not change it (oversight
    and leadership on a CISO's screens)."""
    agency = agency_get_for_user(user=user, agency_id=agency_id)
    if not can_edit_agency(user=user, agency_id=agency.pk):
        raise PermissionDenied("Only the agency's CISO changes its records.")
    return agency


def reporting_units() -> QuerySet[Agency]:
    """Agencies that carry directive tasks: bureaus and independent agencies."""
    return Agency.objects.filter(kind__in=Agency.REPORTING_KINDS)
