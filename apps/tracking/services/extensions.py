"""Writes of extension requests: the CISO asks, oversight decides; an approval moves the
task's effective due (AgencyTask.extended_due)."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, snapshot
from apps.core.errors import DomainError
from apps.directives.selectors import Schedule, directive_schedule
from apps.notices.services import notices_extension_decided
from apps.readiness.clock import local_date
from apps.readiness.inputs import due_of, task_meta
from apps.tracking import permissions
from apps.tracking.models import AgencyTask, ExtensionRequest
from apps.tracking.services.tasks import TASK_AUDIT_FIELDS, agency_task_save_audited


def extension_bounds(
    *, agency_task: AgencyTask, schedule: Schedule, now: datetime
) -> tuple[date, date]:
    """The earliest and latest dates an extension of this task may ask for: the day after
    its current effective due [R3] (and no earlier than today), up to
    EXTENSION_MAX_DAYS_PAST_DEADLINE days past the directive's deadline."""
    due = due_of(agency_task.extended_due, task_meta(agency_task.task), schedule)
    earliest = max(local_date(due, schedule.tz) + timedelta(days=1), local_date(now, schedule.tz))
    deadline_date = schedule.clock(now).deadline_date
    latest = deadline_date + timedelta(days=settings.EXTENSION_MAX_DAYS_PAST_DEADLINE)
    return earliest, latest


@transaction.atomic
def extension_request_create(
    *,
    agency_task: AgencyTask,
    actor: User,
    requested_due: date,
    justification: str,
    now: datetime | None = None,
) -> ExtensionRequest:
    """The CISO asks to move an open task's due date. One pending request per task; the date
    must fall after the current due and within the allowed reach past the deadline."""
    now = now or timezone.now()
    # Lock the task so two requests for it are serialised (the DB constraint is the backstop).
    task = (
        AgencyTask.objects.select_for_update(of=("self",))
        .select_related("task__directive", "task__milestone", "agency")
        .get(pk=agency_task.pk)
    )
    permissions.extension_request_check(user=actor, agency_task=task)
    justification = (justification or "").strip()
    if not justification:
        raise DomainError("Explain why the task needs more time.", field="justification")
    schedule = directive_schedule(directive=task.task.directive)
    earliest, latest = extension_bounds(agency_task=task, schedule=schedule, now=now)
    if requested_due < earliest:
        raise DomainError(
            f"Ask for a date on or after {earliest:%b %-d, %Y} (after the task's current due).",
            field="requested_due",
        )
    if requested_due > latest:
        raise DomainError(
            f"Extensions may reach at most {settings.EXTENSION_MAX_DAYS_PAST_DEADLINE} days "
            f"past the directive's deadline: {latest:%b %-d, %Y} at the latest.",
            field="requested_due",
        )
    if task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise DomainError(
            "This task already has a pending extension request; wait for oversight's decision.",
            field="requested_due",
        )
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                agency_task=task,
                requested_due=requested_due,
                justification=justification,
                requested_by=actor,
            )
    except IntegrityError as exc:  # extension_one_pending, should the lock be bypassed
        raise DomainError(
            "This task already has a pending extension request.", field="requested_due"
        ) from exc
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REQUEST,
        instance=extension,
        agency_id=task.agency_id,
        changes={"requested_due": [None, requested_due.isoformat()], "status": [None, "pending"]},
        comment=justification,
    )
    return extension


@transaction.atomic
def extension_request_decide(
    *,
    extension: ExtensionRequest,
    actor: User,
    approve: bool,
    comment: str = "",
    now: datetime | None = None,
) -> ExtensionRequest:
    """Oversight approves or denies a pending request (a denial needs a comment). Approval
    moves the task's effective due to the requested date (AgencyTask.extended_due), bumps
    its version, and refreshes the agency's figures."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    # Lock the task before the request, in the same order as extension_request_create, so a
    # decision and a new request on the same task cannot deadlock.
    task = (
        AgencyTask.objects.select_for_update(of=("self",))
        .select_related("task")
        .get(pk=extension.agency_task_id)
    )
    locked = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    permissions.extension_decide_check(user=actor, extension=locked)
    if not approve and not comment:
        raise DomainError("Tell the agency why the extension is denied.", field="comment")
    Status = ExtensionRequest.Status
    locked.status = Status.APPROVED if approve else Status.DENIED
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_comment = comment
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.APPROVE if approve else AuditEvent.Action.DENY,
        instance=locked,
        agency_id=task.agency_id,
        changes={"status": [Status.PENDING.value, locked.status]},
        comment=comment,
    )
    if approve:
        before = snapshot(task, TASK_AUDIT_FIELDS)
        task.extended_due = locked.requested_due  # [R3] the new effective due
        agency_task_save_audited(
            task=task,
            before=before,
            actor=actor,
            action=AuditEvent.Action.APPROVE,
            comment=f"Extension approved to {locked.requested_due:%b %-d, %Y}. {comment}".strip(),
        )
    locked.agency_task = task
    notices_extension_decided(extension=locked, now=now)
    return locked
