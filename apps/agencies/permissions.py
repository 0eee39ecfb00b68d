from django.core.exceptions import PermissionDenied

from apps.accounts.models import User


def can_edit_agency(*, user: User, agency_id: int) -> bool:
    """True for the CISO of this agency: the only role that changes an agency's records
    (tasks, evidence, extensions, deployments, remediation)."""
    return bool(user.is_authenticated and user.is_ciso and user.agency_id == agency_id)


def can_review(*, user: User) -> bool:
    """True for oversight (DESIGN: roles): the only role that verifies and returns work,
    decides extensions and not-applicable claims, and reads the audit log. Leadership reads
    dashboards and reports; a CISO reads their own agency's history on its task pages."""
    return bool(user.is_authenticated and user.is_oversight)


def require_agency_editor(*, user: User, agency_id: int) -> None:
    """Raise PermissionDenied unless the user may change the agency's records
    (`can_edit_agency`). Services call it themselves although views already checked
    through `agency_get_for_editor`, so no other caller (API, shell, job) writes another
    agency's records."""
    if not can_edit_agency(user=user, agency_id=agency_id):
        raise PermissionDenied("Only the agency's CISO changes its records.")
