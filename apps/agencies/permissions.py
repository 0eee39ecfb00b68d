from apps.accounts.models import User


def can_edit_agency(*, user: User, agency_id: int) -> bool:
    """True for the CISO of this agency: the only role that changes an agency's records
    (tasks, evidence, extensions, deployments, remediation)."""
    return bool(user.is_authenticated and user.is_ciso and user.agency_id == agency_id)
