"""Daily reminders (08:00 in the directive's time zone).

CISOs hear of their agency's open tasks that are overdue or due within
REMINDER_DUE_SOON_DAYS days, and of tasks oversight returned since the previous day's
reminders; oversight hears of agencies that turned red. Each notice is logged once per
(user, item, kind, day) by a unique constraint, and marked sent only after its e-mail went
out, so a retried or repeated job never sends a notice twice and never loses one."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.directives.models import Directive
from apps.directives.selectors import Schedule, directive_current, directive_schedule
from apps.notices.models import Notice
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


def _url(name: str, **kwargs) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _task_kinds(agency_task: AgencyTask, schedule: Schedule, now: datetime) -> dict[str, str]:
    """{kind: subject} of what a CISO hears today about one task still owed. A return is news once
    (on the first reminders after it); the task's due date is judged on its own, so a
    returned task is also reminded when it falls due or overdue (the log is per kind)."""
    code = agency_task.task.code
    kinds = {}
    if agency_task.returned_at is not None and agency_task.returned_at > now - SINCE_LAST_RUN:
        kinds[Notice.Kind.RETURNED] = f"{code} was returned by oversight"
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
        link = _url("tracking:agency_detail", agency_id=agency_task.agency_id)
        for kind, subject in kinds.items():
            for user in cisos[agency_task.agency_id]:
                notices.append(
                    Notice(user=user, kind=kind, item_key=f"agencytask:{agency_task.pk}", day=day,
                           subject=f"{subject}: {agency_task.task.title}"[:255], link=link)
                )  # fmt: skip
    return notices


def _oversight_notices(directive: Directive, now: datetime, day) -> list[Notice]:
    turned = AgencyReadiness.objects.filter(
        directive=directive, rating=Rating.RED, red_since__gt=now - timedelta(days=1)
    ).select_related("agency")
    staff = list(User.objects.filter(role=User.Role.OVERSIGHT, is_active=True))
    return [
        Notice(user=user, kind=Notice.Kind.TURNED_RED, item_key=f"agency:{r.agency_id}", day=day,
               subject=f"{r.agency} turned red"[:255],
               link=_url("tracking:agency_detail", agency_id=r.agency_id))
        for r in turned
        for user in staff
    ]  # fmt: skip


def reminders_send(*, directive: Directive | None = None, now: datetime | None = None):
    """Log today's notices (duplicates are ignored by the constraint), then e-mail each user
    the notices not yet sent, marking them sent once the e-mail is handed over."""
    directive = directive or directive_current()
    now = now or timezone.now()
    schedule = directive_schedule(directive=directive)
    day = local_date(now, schedule.tz)
    candidates = _ciso_notices(directive, schedule, now, day) + _oversight_notices(
        directive, now, day
    )
    before = Notice.objects.filter(day=day).count()
    Notice.objects.bulk_create(candidates, ignore_conflicts=True, batch_size=1000)
    logged = Notice.objects.filter(day=day).count() - before
    sent = emails = 0
    waiting = (
        Notice.objects.filter(day=day, sent_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in list(waiting):
        # One transaction per user: a failed e-mail leaves only that user's notices unsent
        # (the retry sends them); skip_locked leaves them to a run already sending them.
        with transaction.atomic():
            notices = list(
                Notice.objects.select_for_update(skip_locked=True)
                .filter(day=day, sent_at__isnull=True, user_id=user_id)
                .select_related("user")
                .order_by("kind", "item_key")
            )
            if not notices:
                continue
            _send(notices[0].user, notices, directive)
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=timezone.now())
        sent += len(notices)
        emails += 1
    return ReminderResult(logged=logged, sent=sent, emails=emails)


def _send(user: User, notices: list[Notice], directive: Directive) -> None:
    context = {"user": user, "notices": notices, "directive": directive}
    send_mail(
        subject=f"[{directive.code}] {len(notices)} reminder{'s' if len(notices) != 1 else ''}",
        message=render_to_string("notices/reminder_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )
