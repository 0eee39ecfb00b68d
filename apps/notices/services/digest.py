"""Oversight's daily digest (07:00 in the directive's time zone, config/schedules.py).

Each active oversight user gets one notice a day, when anything waits for review: the
tasks completed since the previous digest (new submissions to verify), the extension
requests made since then, and how many items wait in each queue. One notice per user per
day (the log's constraint), e-mailed once, so running the job twice changes nothing."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.directives.models import Directive
from apps.directives.selectors import directive_current, directive_schedule
from apps.notices.models import Notice
from apps.notices.services.delivery import notices_deliver, notices_log
from apps.readiness.clock import local_date
from apps.review.selectors import AWAITING_NA_DECISION, AWAITING_VERIFICATION, EXTENSION_PENDING
from apps.tracking.models import AgencyTask, ExtensionRequest

# The digest runs once a day: what arrived within the last day is news today.
SINCE_LAST_DIGEST = timedelta(days=1)
# The items a digest names one by one; the rest are counted ("and 12 more").
LISTED = 15


@dataclass(frozen=True)
class DigestResult:
    logged: int
    sent: int
    emails: int


@dataclass(frozen=True)
class Digest:
    """What the digest says: the new items (the first LISTED of each) and the queue sizes."""

    new_submissions: list[AgencyTask]
    new_submission_count: int
    new_extensions: list[ExtensionRequest]
    new_extension_count: int
    to_verify: int
    na_claims: int
    extensions_pending: int

    @property
    def more_submissions(self) -> int:
        return self.new_submission_count - len(self.new_submissions)

    @property
    def more_extensions(self) -> int:
        return self.new_extension_count - len(self.new_extensions)

    @property
    def is_empty(self) -> bool:
        return not (self.to_verify or self.na_claims or self.extensions_pending)

    @property
    def subject(self) -> str:
        return (
            f"Review digest: {_count(self.new_submission_count, 'new submission')}, "
            f"{self.to_verify} to verify, "
            f"{_count(self.extensions_pending, 'extension request')} pending"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def digest_gather(*, directive: Directive, now: datetime) -> Digest:
    """The digest of `directive` at `now` (four queries, whatever the fleet's size)."""
    since = now - SINCE_LAST_DIGEST
    tasks = AgencyTask.objects.filter(task__directive=directive)
    new_submission = AWAITING_VERIFICATION & Q(completed_at__gt=since)
    task_counts = tasks.aggregate(
        to_verify=Count("pk", filter=AWAITING_VERIFICATION),
        new=Count("pk", filter=new_submission),
        na_claims=Count("pk", filter=AWAITING_NA_DECISION),
    )
    extensions = ExtensionRequest.objects.filter(
        EXTENSION_PENDING, agency_task__task__directive=directive
    )
    ext_counts = extensions.aggregate(
        pending=Count("pk"), new=Count("pk", filter=Q(created_at__gt=since))
    )
    return Digest(
        new_submissions=list(
            tasks.filter(new_submission)
            .select_related("agency", "task")
            .order_by("completed_at", "pk")[:LISTED]
        ),
        new_submission_count=task_counts["new"],
        new_extensions=list(
            extensions.filter(created_at__gt=since)
            .select_related("agency_task__agency", "agency_task__task")
            .order_by("created_at", "pk")[:LISTED]
        ),
        new_extension_count=ext_counts["new"],
        to_verify=task_counts["to_verify"],
        na_claims=task_counts["na_claims"],
        extensions_pending=ext_counts["pending"],
    )


def digest_send(*, directive: Directive | None = None, now: datetime | None = None) -> DigestResult:
    """Log today's digest for every active oversight user (none when nothing waits for
    review), then e-mail what waits for them."""
    directive = directive or directive_current()
    now = now or timezone.now()
    staff = list(User.objects.filter(role=User.Role.OVERSIGHT, is_active=True))
    if not staff:
        return DigestResult(0, 0, 0)
    digest = digest_gather(directive=directive, now=now)
    logged = 0
    if not digest.is_empty:
        schedule = directive_schedule(directive=directive)
        queue = "review:verification_queue" if digest.to_verify else "review:extension_queue"
        body = render_to_string(
            "notices/digest.txt", {"digest": digest, "directive": directive, "tz": schedule.tz}
        ).strip()
        day = local_date(now, schedule.tz)
        notices = [
            Notice(user=user, kind=Notice.Kind.DIGEST, item_key=f"digest:{directive.pk}",
                   day=day, subject=digest.subject, body=body, link=reverse(queue))
            for user in staff
        ]  # fmt: skip
        logged = notices_log(notices)
    delivered = notices_deliver(user_ids=[user.pk for user in staff], now=now)
    return DigestResult(logged=logged, sent=delivered.sent, emails=delivered.emails)
