"""Who may change what in an agency's tracking records, and the AgencyTask state machine.

Every role rule of the CISO's and oversight's workflow lives here (STYLE rule 3), so the
services, the forms (which statuses to offer) and the oversight screens all ask the same
questions. Reading is scoped by the selectors (a foreign agency answers 404); these
predicates decide what a user who may read a record may also *change*.

The state machine (DESIGN: "Transitions are a small explicit state machine"):

- An agency's CISO moves their own tasks between the working states and claims
  ``not_applicable``; they may reopen a completed task before oversight verifies it and
  withdraw a not-applicable claim. A verified task is closed to them.
- Derived tasks (measured from tool deployments or KEV remediation) get status and percent
  from the readiness engine: the CISO may only declare a blocker or claim not applicable,
  and lift either again.
- Oversight verifies or returns completed work, returns verified work found wanting, and
  accepts or rejects not-applicable claims. It never edits an agency's progress itself.
- Leadership changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from apps.accounts.models import User
from apps.agencies.permissions import can_edit_agency, can_review
from apps.core.errors import InvalidTransition
from apps.tracking.models import AgencyTask, ExtensionRequest

S = AgencyTask.Status


class Action:
    """The service that performs a transition."""

    UPDATE = "update"  # agency_task_update (the CISO's edits)
    VERIFY = "verify"  # agency_task_verify
    RETURN = "return"  # agency_task_return
    REJECT_NA = "reject_na"  # agency_task_na_reject


# from status -> {to status: action}, per role and measure. Staying in the same status is
# not a transition (editing percent or notes); see `task_fields_editable`.
CISO_MANUAL: dict[str, dict[str, str]] = {
    S.NOT_STARTED: {
        S.IN_PROGRESS: Action.UPDATE,
        S.BLOCKED: Action.UPDATE,
        S.COMPLETED: Action.UPDATE,
        S.NOT_APPLICABLE: Action.UPDATE,
    },
    S.IN_PROGRESS: {
        S.NOT_STARTED: Action.UPDATE,
        S.BLOCKED: Action.UPDATE,
        S.COMPLETED: Action.UPDATE,
        S.NOT_APPLICABLE: Action.UPDATE,
    },
    S.BLOCKED: {
        S.NOT_STARTED: Action.UPDATE,
        S.IN_PROGRESS: Action.UPDATE,
        S.COMPLETED: Action.UPDATE,
        S.NOT_APPLICABLE: Action.UPDATE,
    },
    # Reopening is the CISO's own correction; once verified only oversight can return it.
    S.COMPLETED: {S.IN_PROGRESS: Action.UPDATE},
    S.VERIFIED: {},
    # Withdrawing a claim (accepted or not) puts the task back in every sum: never unsafe.
    S.NOT_APPLICABLE: {S.NOT_STARTED: Action.UPDATE, S.IN_PROGRESS: Action.UPDATE},
}

# Derived tasks: the engine owns not_started / in_progress / completed; people own only a
# blocker and a not-applicable claim (the engine leaves both in place, see
# apps.readiness.inputs.derived_status).
CISO_DERIVED: dict[str, dict[str, str]] = {
    S.NOT_STARTED: {S.BLOCKED: Action.UPDATE, S.NOT_APPLICABLE: Action.UPDATE},
    S.IN_PROGRESS: {S.BLOCKED: Action.UPDATE, S.NOT_APPLICABLE: Action.UPDATE},
    S.BLOCKED: {
        S.NOT_STARTED: Action.UPDATE,
        S.IN_PROGRESS: Action.UPDATE,
        S.NOT_APPLICABLE: Action.UPDATE,
    },
    S.COMPLETED: {},
    S.VERIFIED: {},
    S.NOT_APPLICABLE: {S.NOT_STARTED: Action.UPDATE, S.IN_PROGRESS: Action.UPDATE},
}

OVERSIGHT: dict[str, dict[str, str]] = {
    S.COMPLETED: {S.VERIFIED: Action.VERIFY, S.IN_PROGRESS: Action.RETURN},
    S.VERIFIED: {S.IN_PROGRESS: Action.RETURN},
    S.NOT_APPLICABLE: {S.IN_PROGRESS: Action.REJECT_NA},
}


def _label(status: str) -> str:
    return S(status).label


@dataclass(frozen=True)
class Move:
    """One allowed status change: where to, by which service."""

    status: str
    action: str

    @property
    def label(self) -> str:
        return _label(self.status)


# The services oversight performs; every other transition is the CISO's update.
REVIEW_ACTIONS = frozenset({Action.VERIFY, Action.RETURN, Action.REJECT_NA})


def _ciso_table(agency_task: AgencyTask) -> dict[str, dict[str, str]]:
    return CISO_DERIVED if agency_task.task.is_derived else CISO_MANUAL


def _table(*, user: User, agency_task: AgencyTask) -> dict[str, dict[str, str]]:
    if can_edit_agency(user=user, agency_id=agency_task.agency_id):
        return _ciso_table(agency_task)
    if can_review(user=user):
        return OVERSIGHT
    return {}


def _table_for_action(*, user: User, agency_task: AgencyTask, action: str) -> dict:
    """The table a transition by `action` is judged against: oversight's actions by
    oversight's table, for oversight only; the update by the CISO's, for the agency's CISO
    only. Empty when the user's role has no say in the action."""
    if action in REVIEW_ACTIONS:
        return OVERSIGHT if can_review(user=user) else {}
    if can_edit_agency(user=user, agency_id=agency_task.agency_id):
        return _ciso_table(agency_task)
    return {}


def allowed_moves(*, user: User, agency_task: AgencyTask) -> list[Move]:
    """The status changes open to `user` from the task's current status, in the order the
    statuses are declared (the order forms list them)."""
    targets = _table(user=user, agency_task=agency_task).get(agency_task.status, {})
    return [Move(status, targets[status]) for status in S.values if status in targets]


def task_fields_editable(*, user: User, agency_task: AgencyTask) -> bool:
    """True if the user may edit the task's own fields (percent, notes, owner, reasons)
    without changing its status: its agency's CISO, until oversight verifies it."""
    return (
        can_edit_agency(user=user, agency_id=agency_task.agency_id)
        and agency_task.status != S.VERIFIED
    )


def percent_editable(*, user: User, agency_task: AgencyTask) -> bool:
    """Percent is reported by hand only on manual tasks; derived ones are measured."""
    return task_fields_editable(user=user, agency_task=agency_task) and not (
        agency_task.task.is_derived
    )


def can_add_evidence(*, user: User, agency_task: AgencyTask) -> bool:
    """Evidence is added by the agency's CISO until oversight has verified the task (the
    verified record must stay what oversight saw)."""
    return task_fields_editable(user=user, agency_task=agency_task)


def can_request_extension(*, user: User, agency_task: AgencyTask) -> bool:
    """The agency's CISO asks for more time on an open task only (not done, not claimed
    not applicable)."""
    return can_edit_agency(user=user, agency_id=agency_task.agency_id) and agency_task.is_open


def transition_check(*, user: User, agency_task: AgencyTask, to_status: str, action: str) -> None:
    """Refuse a status change the user's role does not allow from the task's current status.

    Raises PermissionDenied for a user whose role has no say in the action (oversight's
    reviews for anyone but oversight; the update for anyone but the agency's CISO), and
    InvalidTransition naming the allowed changes otherwise."""
    table = _table_for_action(user=user, agency_task=agency_task, action=action)
    if not table:
        if action in REVIEW_ACTIONS:
            raise PermissionDenied("Only oversight staff review an agency's tasks.")
        raise PermissionDenied("You may not change this agency's tasks.")
    if to_status not in S.values:
        raise InvalidTransition(f"Unknown status “{to_status}”.", field="status")
    targets = table.get(agency_task.status, {})
    if targets.get(to_status) == action:
        return
    moves = [Move(status, targets[status]) for status in S.values if status in targets]
    current = _label(agency_task.status)
    if moves:
        allowed = ", ".join(m.label for m in moves)
        message = (
            f"A task that is {current} cannot be changed to {_label(to_status)}. "
            f"Allowed from {current}: {allowed}."
        )
    else:
        message = (
            f"A task that is {current} cannot be changed to {_label(to_status)}: "
            f"no status change is open to you from {current}."
        )
    if agency_task.task.is_derived and to_status in (S.COMPLETED, S.IN_PROGRESS, S.NOT_STARTED):
        message += (
            " This task's progress is measured from the agency's records "
            f"({agency_task.task.get_measure_display().lower()})."
        )
    raise InvalidTransition(message, field="status")


def na_acceptance_check(*, user: User, agency_task: AgencyTask) -> None:
    """Only oversight accepts a not-applicable claim, and only an open one."""
    if not can_review(user=user):
        raise PermissionDenied("Only oversight staff accept not-applicable claims.")
    if agency_task.status != S.NOT_APPLICABLE or agency_task.na_accepted_at is not None:
        raise InvalidTransition(
            "Only a task claimed not applicable, and not yet accepted, can be accepted.",
            field="status",
        )


def evidence_add_check(*, user: User, agency_task: AgencyTask) -> None:
    """`can_add_evidence`, explained: PermissionDenied for anyone but the agency's CISO,
    InvalidTransition on a verified task."""
    if can_add_evidence(user=user, agency_task=agency_task):
        return
    if not can_edit_agency(user=user, agency_id=agency_task.agency_id):
        raise PermissionDenied("Only the agency's CISO adds evidence.")
    raise InvalidTransition("This task is verified: its evidence can no longer change.")


def extension_request_check(*, user: User, agency_task: AgencyTask) -> None:
    """`can_request_extension`, explained: PermissionDenied for anyone but the agency's
    CISO, InvalidTransition on a task that is not open."""
    if can_request_extension(user=user, agency_task=agency_task):
        return
    if not can_edit_agency(user=user, agency_id=agency_task.agency_id):
        raise PermissionDenied("Only the agency's CISO requests extensions.")
    raise InvalidTransition(
        f"A task that is {_label(agency_task.status)} needs no extension.",
        field="requested_due",
    )


def extension_decide_check(*, user: User, extension: ExtensionRequest) -> None:
    """Oversight decides pending requests only; a decision is final."""
    if not can_review(user=user):
        raise PermissionDenied("Only oversight staff approve or deny extensions.")
    if extension.status != ExtensionRequest.Status.PENDING:
        raise InvalidTransition(
            f"This request was already {extension.get_status_display().lower()}."
        )
