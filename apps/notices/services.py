"""Daily reminders (08:00 in the directive's time zone).

CISOs hear of their agency's tasks due within 3 days, overdue, or returned by oversight;
oversight hears of agencies that turned red. Each notice is logged once per (user, item,
kind, day) by a unique constraint, and marked sent only after its e-mail went out, so a
retried or repeated job never sends a notice twice and never loses one."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.directives.models import Directive
from apps.directives.selectors import directive_current, directive_schedule
from apps.notices.models import Notice
from apps.readiness.clock import local_date
from apps.readiness.inputs import due_of, task_metas
from apps.readiness.models import AgencyReadiness, Rating
from apps.tracking.models import AgencyTask

OPEN = [
    AgencyTask.Status.NOT_STARTED,
    AgencyTask.Status.IN_PROGRESS,
    AgencyTask.Status.BLOCKED,
]


@dataclass(frozen=True)
class ReminderResult:
    logged: int
    sent: int
    emails: int


def _url(name: str, **kwargs) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _ciso_notices(directive: Directive, now: datetime, day) -> list[Notice]:
    schedule = directive_schedule(directive=directive)
    metas = task_metas(directive)
    cisos = defaultdict(list)
    for user in User.objects.filter(role=User.Role.AGENCY_CISO, is_active=True):
        cisos[user.agency_id].append(user)
    soon = now + timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    notices = []
    rows = AgencyTask.objects.filter(
        task__directive=directive, agency_id__in=list(cisos), status__in=OPEN
    ).select_related("task")
    for agency_task in rows:
        due = due_of(agency_task.extended_due, metas[agency_task.task_id], schedule)
        if agency_task.returned_at is not None:
            kind = Notice.Kind.RETURNED
        elif due < now:
            kind = Notice.Kind.OVERDUE
        elif due <= soon:
            kind = Notice.Kind.DUE_SOON
        else:
            continue
        when = timezone.localtime(due, schedule.tz).strftime("%b %d, %I:%M %p")
        subject = {
            Notice.Kind.RETURNED: f"{agency_task.task.code} was returned by oversight",
            Notice.Kind.OVERDUE: f"{agency_task.task.code} is overdue (was due {when})",
            Notice.Kind.DUE_SOON: f"{agency_task.task.code} is due {when}",
        }[kind]
        link = _url("tracking:agency_detail", agency_id=agency_task.agency_id)
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
    day = local_date(now, directive_schedule(directive=directive).tz)
    candidates = _ciso_notices(directive, now, day) + _oversight_notices(directive, now, day)
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
