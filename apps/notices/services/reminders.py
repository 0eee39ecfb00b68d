"""Daily reminders (08:00 in the directive's time zone).

CISOs hear of their agency's open tasks that are overdue or due within
REMINDER_DUE_SOON_DAYS days; oversight hears of agencies that turned red. (A task returned
by oversight is news the moment it happens: `agency_task_return` tells the CISOs then.)
Each notice is logged once per (user, item, kind, day) by a unique constraint, and marked
sent only with its e-mail (apps.notices.services.delivery), so a retried or repeated job
never sends a notice twice and never loses one."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.directives.models import Directive
from apps.directives.selectors import Schedule, directive_current, directive_schedule
from apps.notices.models import Notice
from apps.notices.services.delivery import notices_deliver, notices_log
from apps.portal.formatting import deadline
from apps.readiness.clock import local_date
from apps.readiness.inputs import clock_settings, task_input, task_meta
from apps.readiness.models import AgencyReadiness, Rating
from apps.readiness.scoring import ClockState, clock_state
from apps.tracking.models import AgencyTask

# The reminders run once a day: what happened within the last day is news today.
SINCE_LAST_RUN = timedelta(days=1)


@dataclass(frozen=True)
class ReminderResult:
    logged: int
    sent: int
    emails: int


def _task_kinds(agency_task: AgencyTask, schedule: Schedule, now: datetime) -> dict[str, str]:
    """{kind: subject} of what a CISO hears today about one task still owed: overdue, or
    due soon (a returned task too, by its due date)."""
    code = agency_task.task.code
    kinds = {}
    task = task_input(agency_task, task_meta(agency_task.task), schedule)
    when = deadline(task.due, schedule.tz)
    # [R9] overdue by the clock rule the dashboards use: a claim oversight has not accepted
    # yet is still owed work once past due.
    if clock_state(task, now, clock_settings()) == ClockState.OVERDUE:
        kinds[Notice.Kind.OVERDUE] = f"{code} is overdue (was due {when})"
    elif agency_task.is_open and task.due <= now + timedelta(days=settings.REMINDER_DUE_SOON_DAYS):
        kinds[Notice.Kind.DUE_SOON] = f"{code} is due {when}"
    return kinds


def _ciso_notices(directive: Directive, schedule: Schedule, now: datetime, day) -> list[Notice]:
    cisos = defaultdict(list)
    for user in User.objects.filter(role=User.Role.AGENCY_CISO, is_active=True):
        cisos[user.agency_id].append(user)
    notices = []
    # Work still owed: open tasks, and not-applicable claims oversight has not accepted.
    owed = Q(status__in=AgencyTask.OPEN_STATUSES) | Q(
        status=AgencyTask.Status.NOT_APPLICABLE, na_accepted_at__isnull=True
    )
    rows = AgencyTask.objects.filter(
        owed, task__directive=directive, agency_id__in=list(cisos)
    ).select_related("task")
    for agency_task in rows:
        kinds = _task_kinds(agency_task, schedule, now)
        if not kinds:
            continue
        link = reverse(
            "tracking:agency_task_detail",
            kwargs={"agency_id": agency_task.agency_id, "pk": agency_task.pk},
        )
        for kind, subject in kinds.items():
            for user in cisos[agency_task.agency_id]:
                notices.append(
                    Notice(user=user, kind=kind, item_key=f"agencytask:{agency_task.pk}", day=day,
                           subject=f"{subject}: {agency_task.task.title}"[:255], link=link)
                )  # fmt: skip
    return notices


def _oversight_notices(directive: Directive, now: datetime, day) -> list[Notice]:
    turned = AgencyReadiness.objects.filter(
        directive=directive, rating=Rating.RED, red_since__gt=now - SINCE_LAST_RUN
    ).select_related("agency")
    staff = list(User.objects.filter(role=User.Role.OVERSIGHT, is_active=True))
    return [
        Notice(user=user, kind=Notice.Kind.TURNED_RED, item_key=f"agency:{r.agency_id}", day=day,
               subject=f"{r.agency} turned red"[:255],
               link=reverse("tracking:agency_detail", kwargs={"agency_id": r.agency_id}))
        for r in turned
        for user in staff
    ]  # fmt: skip


def reminders_send(*, directive: Directive | None = None, now: datetime | None = None):
    """Log today's notices (duplicates are ignored by the constraint), then e-mail each user
    what waits for them (apps.notices.services.delivery)."""
    directive = directive or directive_current()
    now = now or timezone.now()
    schedule = directive_schedule(directive=directive)
    day = local_date(now, schedule.tz)
    candidates = _ciso_notices(directive, schedule, now, day) + _oversight_notices(
        directive, now, day
    )
    logged = notices_log(candidates)
    # Everyone waiting, not only today's: a change's notice whose delivery job was lost
    # goes out with the reminders at the latest.
    delivered = notices_deliver(now=now)
    return ReminderResult(logged=logged, sent=delivered.sent, emails=delivered.emails)
