from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.permissions import require_agency_editor


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
    require_agency_editor(user=user, agency_id=agency.pk)
    return agency


def agency_lock(*, agency_id: int) -> Agency:
    """The agency row, locked until the transaction ends (STYLE rule 5). Every write that
    checks an agency's records against each other (deployments against the endpoint count,
    a bulk mark creating remediation rows) locks it first, so such writes serialise."""
    return Agency.objects.select_for_update().get(pk=agency_id)


def reporting_units() -> QuerySet[Agency]:
    """Agencies that carry directive tasks: bureaus and independent agencies."""
    return Agency.objects.filter(kind__in=Agency.REPORTING_KINDS)
