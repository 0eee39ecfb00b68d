"""Writes of agency tasks: the CISO's update and oversight's reviews (verify, return,
accept or reject a not-applicable claim), and the assignment of tasks to agencies.

Every service checks the actor's role through `apps.tracking.permissions`, locks the row
(`select_for_update`), refuses a save based on a stale read (`StaleVersion`), writes its
audit row in the same transaction, and has the agency's figures recomputed once the
transaction commits (issue 4, item 9)."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.agencies.selectors import reporting_units
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, changes_between, snapshot
from apps.core.errors import DomainError, StaleVersion
from apps.directives.models import Directive
from apps.notices.services import notices_task_reviewed
from apps.readiness.services import agency_figures_refresh_on_commit
from apps.tracking import permissions
from apps.tracking.models import AgencyTask, Evidence
from apps.tracking.permissions import Action

S = AgencyTask.Status

# The AgencyTask fields whose before → after the audit log keeps.
TASK_AUDIT_FIELDS = (
    "status",
    "percent",
    "owner",
    "notes",
    "blocked_reason",
    "na_justification",
    "na_accepted_at",
    "na_accepted_by",
    "extended_due",
    "completed_at",
    "verified_at",
    "verified_by",
    "returned_at",
    "return_comment",
)


@transaction.atomic
def agency_tasks_assign(*, directive: Directive, agency_ids: Iterable[int] | None = None) -> int:
    """Give every reporting unit (or the agencies named) one AgencyTask per directive task.
    Idempotent: existing rows are left as they are. Returns how many were created."""
    if agency_ids is None:
        agency_ids = reporting_units().values_list("pk", flat=True)
    agency_ids = list(agency_ids)
    task_ids = list(directive.tasks.values_list("pk", flat=True))
    existing = set(
        AgencyTask.objects.filter(task__directive=directive, agency_id__in=agency_ids).values_list(
            "agency_id", "task_id"
        )
    )
    rows = [
        AgencyTask(agency_id=a, task_id=t)
        for a in agency_ids
        for t in task_ids
        if (a, t) not in existing
    ]
    AgencyTask.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _lock_task(*, agency_task: AgencyTask, version: int) -> AgencyTask:
    """The task's row, locked until the transaction ends, if it is still at `version`.

    Locking first and comparing afterwards is what makes the check safe: a concurrent save
    waits for our commit and then finds the version moved on (STYLE rule 5)."""
    locked = (
        AgencyTask.objects.select_for_update(of=("self",))
        .select_related("task__milestone", "task__directive", "agency")
        .get(pk=agency_task.pk)
    )
    if locked.version != version:
        raise StaleVersion(
            "Someone else saved this task after you opened it, so your change was not "
            "saved. The current values are shown; review them and make your change again.",
            current_version=locked.version,
        )
    return locked


def _leave_status(task: AgencyTask, to_status: str) -> None:
    """Clear what belonged to the status being left, so no stale reason, acceptance or
    verification outlives it (the audit log keeps the old values)."""
    if to_status not in AgencyTask.DONE_STATUSES:
        task.completed_at = None
    if to_status != S.VERIFIED:
        task.verified_at = None
        task.verified_by = None
    if to_status != S.BLOCKED:
        task.blocked_reason = ""
    if to_status != S.NOT_APPLICABLE:
        task.na_justification = ""
        task.na_accepted_at = None
        task.na_accepted_by = None


def agency_task_save_audited(
    *,
    task: AgencyTask,
    before: dict,
    actor: User,
    action: str,
    comment: str = "",
) -> AgencyTask:
    """Save what changed on a locked task since `before` (a `snapshot` of
    TASK_AUDIT_FIELDS) with a new version, audit it, and refresh the agency's figures on
    commit. The building block of every task write, inside the caller's transaction."""
    after = snapshot(task, TASK_AUDIT_FIELDS)
    changes = changes_between(before, after)
    if not changes:
        return task
    task.version += 1
    task.save(update_fields=[*sorted(changes), "version", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        instance=task,
        agency_id=task.agency_id,
        changes=changes,
        comment=comment,
    )
    agency_figures_refresh_on_commit(agency_id=task.agency_id)
    return task


def _has_evidence(task: AgencyTask) -> bool:
    return Evidence.objects.filter(agency_task_id=task.pk).exists()


def _clean_text(value: str | None) -> str | None:
    return None if value is None else value.strip()


@transaction.atomic
def agency_task_update(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    status: str,
    percent: int | None = None,
    notes: str | None = None,
    owner: str | None = None,
    blocked_reason: str | None = None,
    na_justification: str | None = None,
    now: datetime | None = None,
) -> AgencyTask:
    """The CISO's update of one of their agency's tasks: status, percent, notes, owner and
    the reason a status needs. None leaves a field as it is.

    Refuses (DomainError subclasses, nothing saved): a stale `version`; a status change the
    state machine does not allow (the message names the allowed ones); blocked without a
    reason; not applicable without a justification; completed without evidence where the
    task requires it; a hand-set percent on a derived task."""
    now = now or timezone.now()
    if not permissions.can_edit_agency(user=actor, agency_id=agency_task.agency_id):
        raise PermissionDenied("Only the agency's CISO updates its tasks.")
    task = _lock_task(agency_task=agency_task, version=version)
    if status != task.status:
        permissions.transition_check(
            user=actor, agency_task=task, to_status=status, action=Action.UPDATE
        )
    elif not permissions.task_fields_editable(user=actor, agency_task=task):
        raise DomainError("This task is verified: it can no longer be changed.")
    before = snapshot(task, TASK_AUDIT_FIELDS)
    entering = status != task.status
    if entering:
        _leave_status(task, status)
    _apply_percent(task, status=status, percent=percent)
    _apply_reasons(task, status, blocked_reason, na_justification)
    if notes is not None:
        task.notes = _clean_text(notes)
    if owner is not None:
        task.owner = _clean_text(owner)[:120]
    if entering and status == S.COMPLETED:
        if task.task.evidence_required and not _has_evidence(task):
            raise DomainError(
                "Attach evidence before marking this task completed: the directive requires "
                "evidence for it.",
                field="status",
            )
        task.completed_at = now
    task.status = status
    action = AuditEvent.Action.STATUS if entering else AuditEvent.Action.UPDATE
    return agency_task_save_audited(task=task, before=before, actor=actor, action=action)


def _apply_percent(task: AgencyTask, *, status: str, percent: int | None) -> None:
    if task.task.is_derived:
        # [R11]/[R12] the engine measures derived progress; a person cannot overrule it.
        if percent is not None and percent != task.percent:
            raise DomainError(
                "This task's percent is measured from the agency's records "
                f"({task.task.get_measure_display().lower()}); it cannot be set by hand.",
                field="percent",
            )
        return
    if percent is not None:
        if not 0 <= percent <= 100:
            raise DomainError("Percent complete is a whole number from 0 to 100.", field="percent")
        task.percent = percent
    if status in AgencyTask.DONE_STATUSES:
        task.percent = 100  # done means all of it (agencytask_done_is_complete)
    elif status == S.NOT_STARTED and task.percent:
        raise DomainError(
            "A task that has not started is at 0 %. Choose In progress to report "
            f"{task.percent} %.",
            field="percent",
        )


def _apply_reasons(
    task: AgencyTask, status: str, blocked_reason: str | None, na_justification: str | None
) -> None:
    if status == S.BLOCKED:
        if blocked_reason is not None:
            task.blocked_reason = _clean_text(blocked_reason)
        if not task.blocked_reason:
            raise DomainError("Say what blocks this task.", field="blocked_reason")
    if status == S.NOT_APPLICABLE:
        if na_justification is not None:
            justification = _clean_text(na_justification)
            if justification != task.na_justification:
                # A changed justification is a new claim: oversight must look again.
                task.na_accepted_at = None
                task.na_accepted_by = None
            task.na_justification = justification
        if not task.na_justification:
            raise DomainError(
                "Explain why this task does not apply to the agency.", field="na_justification"
            )


def _oversight_move(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    to_status: str,
    action: str,
) -> tuple[AgencyTask, dict]:
    """Lock the task and move it as oversight; `transition_check` refuses anyone but
    oversight and any move off oversight's table."""
    task = _lock_task(agency_task=agency_task, version=version)
    permissions.transition_check(user=actor, agency_task=task, to_status=to_status, action=action)
    before = snapshot(task, TASK_AUDIT_FIELDS)
    _leave_status(task, to_status)
    task.status = to_status
    return task, before


def _review_save(
    *,
    task: AgencyTask,
    before: dict,
    actor: User,
    action: str,
    comment: str,
    now: datetime | None,
) -> AgencyTask:
    """Save oversight's review of a task (audited) and tell the agency's CISOs of it, in
    the same transaction (the notices app e-mails them once it commits)."""
    agency_task_save_audited(task=task, before=before, actor=actor, action=action, comment=comment)
    notices_task_reviewed(agency_task=task, action=action, comment=comment, now=now)
    return task


# The most a returned task may claim (it was complete until oversight sent it back).
RETURNED_PERCENT_CAP = 90


def _required_comment(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(f"Add a comment telling the agency {what}.", field="comment")
    return comment


@transaction.atomic
def agency_task_verify(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    comment: str = "",
    now: datetime | None = None,
) -> AgencyTask:
    """Oversight confirms a completed task (completed → verified)."""
    task, before = _oversight_move(
        agency_task=agency_task,
        actor=actor,
        version=version,
        to_status=S.VERIFIED,
        action=Action.VERIFY,
    )
    task.verified_at = now or timezone.now()
    task.verified_by = actor
    return _review_save(
        task=task,
        before=before,
        actor=actor,
        action=AuditEvent.Action.VERIFY,
        comment=(comment or "").strip(),
        now=now,
    )


def _send_back(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    comment: str,
    action: str,
    audit_action: str,
    now: datetime | None,
    cap_percent: bool,
) -> AgencyTask:
    """Oversight sends a task back to the agency: in progress again, with oversight's
    comment (required) and the time it was sent back, which the agency's pages and the
    reminders show as a return."""
    task, before = _oversight_move(
        agency_task=agency_task,
        actor=actor,
        version=version,
        to_status=S.IN_PROGRESS,
        action=action,
    )
    task.returned_at = now or timezone.now()
    task.return_comment = comment
    if cap_percent:
        # Returned work is not done: it must not keep the full credit of a completion [R6]
        # until the agency resubmits it, so its percent stops short of complete.
        task.percent = min(task.percent, RETURNED_PERCENT_CAP)
    return _review_save(
        task=task, before=before, actor=actor, action=audit_action, comment=comment, now=now
    )


@transaction.atomic
def agency_task_return(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    comment: str,
    now: datetime | None = None,
) -> AgencyTask:
    """Oversight sends completed (or verified) work back to the agency: the task is in
    progress again, with oversight's comment and the time it was returned."""
    return _send_back(
        agency_task=agency_task,
        actor=actor,
        version=version,
        comment=_required_comment(comment, "what is missing"),
        action=Action.RETURN,
        audit_action=AuditEvent.Action.RETURN,
        now=now,
        cap_percent=True,
    )


@transaction.atomic
def agency_task_na_accept(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    comment: str = "",
    now: datetime | None = None,
) -> AgencyTask:
    """Oversight accepts a not-applicable claim: from now on the task drops out of the
    agency's figures [R6]. `na_acceptance_check` refuses anyone but oversight."""
    task = _lock_task(agency_task=agency_task, version=version)
    permissions.na_acceptance_check(user=actor, agency_task=task)
    before = snapshot(task, TASK_AUDIT_FIELDS)
    task.na_accepted_at = now or timezone.now()
    task.na_accepted_by = actor
    return _review_save(
        task=task,
        before=before,
        actor=actor,
        action=AuditEvent.Action.ACCEPT_NA,
        comment=(comment or "").strip(),
        now=now,
    )


@transaction.atomic
def agency_task_na_reject(
    *,
    agency_task: AgencyTask,
    actor: User,
    version: int,
    comment: str,
    now: datetime | None = None,
) -> AgencyTask:
    """Oversight rejects a not-applicable claim: the task is in progress again, with
    oversight's comment (kept as the return comment the agency sees)."""
    return _send_back(
        agency_task=agency_task,
        actor=actor,
        version=version,
        comment=_required_comment(comment, "why the task applies"),
        action=Action.REJECT_NA,
        audit_action=AuditEvent.Action.REJECT_NA,
        now=now,
        cap_percent=False,  # a claim is not a completion: its percent stands
    )
