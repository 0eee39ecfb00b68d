"""Who may request and read which report: one rule, used by the request service and by the
report selectors (STYLE rule 3).

Oversight and leadership: every report. An agency's CISO: their own agency's reports, never
a fleet report (it names every agency and its figures). Anyone else: none. The scheduler
and the generate_report command request as the system (no user) and are not checked here."""

from django.db.models import Q

from apps.accounts.models import User
from apps.readiness.selectors import user_sees_fleet
from apps.reports.models import Report


def can_access_report(*, user: User, scope: str, agency_id: int | None) -> bool:
    """True if `user` may request, and read, a report of `scope` about `agency_id`."""
    if user_sees_fleet(user):
        return True
    return _is_ciso(user) and scope == Report.Scope.AGENCY and agency_id == user.agency_id


def reports_visible_to(*, user: User) -> Q:
    """The same rule as a filter of Report rows (matches nothing for a user who may read
    none)."""
    if user_sees_fleet(user):
        return Q()
    if _is_ciso(user):
        return Q(scope=Report.Scope.AGENCY, agency_id=user.agency_id)
    return Q(pk__in=[])


def _is_ciso(user: User) -> bool:
    return user.is_authenticated and user.is_ciso and user.agency_id is not None
