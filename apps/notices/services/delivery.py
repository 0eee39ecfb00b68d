"""Logging notices and e-mailing them, each once.

A notice is logged (a row) by whatever made the news: a service in the transaction of its
change (`notices_add`), or a daily job (`notices_log`). Its e-mail goes out afterwards, in
a worker: `notices_deliver` sends each user one e-mail of everything waiting for them and
marks those rows delivered in the same transaction, so a notice is e-mailed once however
many deliveries run at once or are retried, and a failed e-mail leaves its notices for the
next run. A kind the user turned off is delivered without e-mail: it stays in the app."""

import logging
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.notices.models import EmailOptOut, Notice
from apps.readiness.clock import DEFAULT_TZ, local_date

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "Cyber Readiness Portal"


@dataclass(frozen=True)
class DeliveryResult:
    sent: int  # notices delivered (e-mailed or, turned off, not)
    emailed: int  # notices that went out by e-mail
    emails: int  # e-mails sent (one per user per delivery)


def notices_log(candidates: list[Notice]) -> int:
    """Insert the notices not logged yet (one per user, item, kind and day: the rest are
    ignored by `notice_once_per_day`); returns how many are new."""
    if not candidates:
        return 0
    logged = Notice.objects.filter(
        user_id__in={n.user_id for n in candidates}, day__in={n.day for n in candidates}
    )
    before = logged.count()
    Notice.objects.bulk_create(candidates, ignore_conflicts=True, batch_size=1000)
    return logged.count() - before


def notices_add(
    *,
    users: Iterable[User],
    kind: str,
    item_key: str,
    subject: str,
    body: str = "",
    link: str = "",
    now: datetime | None = None,
) -> list[int]:
    """Tell `users` of a change, in the caller's transaction: one notice each (none twice for
    the same item), e-mailed by a worker once the transaction commits. Returns the ids of
    the users told. Inactive users are not told."""
    now = now or timezone.now()
    recipients = [u for u in users if u is not None and u.is_active]
    if not recipients:
        return []
    day = local_date(now, DEFAULT_TZ)
    notices = [
        Notice(user=u, kind=kind, item_key=item_key[:64], day=day, subject=subject[:255],
               body=body, link=link)
        for u in recipients
    ]  # fmt: skip
    # ignore_conflicts: someone told of this very change already is not told twice.
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    user_ids = sorted({u.pk for u in recipients})
    # robust: a broker that cannot take the job must not fail the change that was just
    # committed; the periodic delivery sends what is left waiting (notices.deliver_pending).
    transaction.on_commit(lambda: _enqueue_delivery(user_ids), robust=True)
    return user_ids


def _enqueue_delivery(user_ids: list[int]) -> None:
    from apps.notices.tasks import deliver_notices  # the tasks module imports this one

    deliver_notices.delay(user_ids)


def notices_deliver(
    *, user_ids: Iterable[int] | None = None, now: datetime | None = None
) -> DeliveryResult:
    """E-mail every notice waiting for these users (all users if None): one e-mail per user
    with everything waiting, except the kinds they turned off; mark each delivered."""
    waiting = Notice.objects.filter(sent_at__isnull=True)
    if user_ids is not None:
        waiting = waiting.filter(user_id__in=list(user_ids))
    sent = emailed = emails = 0
    failures = []
    for user_id in sorted(set(waiting.values_list("user_id", flat=True))):
        try:
            done = _deliver_user(user_id, now or timezone.now())
        except Exception as exc:  # one bad address must not hold up the rest
            logger.exception("Notices of user %s were not e-mailed; they wait for a retry", user_id)
            failures.append(exc)
            continue
        sent += done.sent
        emailed += done.emailed
        emails += done.emails
    if failures:
        raise failures[0]  # the job is retried; what was sent stays sent
    return DeliveryResult(sent=sent, emailed=emailed, emails=emails)


@transaction.atomic
def _deliver_user(user_id: int, now: datetime) -> DeliveryResult:
    """One user's waiting notices, in one transaction: a failed e-mail rolls back only this
    user's marks (the retry sends them).

    The rows are claimed (marked delivered) before the e-mail goes out: on PostgreSQL
    skip_locked leaves rows another delivery holds to it; on SQLite, where rows cannot be
    locked, the claim's write waits for the other delivery and then fails on its stale read
    (retried), so neither path e-mails a notice twice."""
    ids = list(
        Notice.objects.select_for_update(skip_locked=True)
        .filter(user_id=user_id, sent_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return DeliveryResult(0, 0, 0)
    Notice.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now)
    notices = list(
        Notice.objects.filter(pk__in=ids, sent_at=now)
        .select_related("user")
        .order_by("created_at", "kind", "item_key")
    )
    if not notices:
        return DeliveryResult(0, 0, 0)
    user = notices[0].user
    off = set(EmailOptOut.objects.filter(user_id=user_id).values_list("kind", flat=True))
    to_email = [n for n in notices if n.kind not in off] if user.email and user.is_active else []
    if to_email:
        _send(user, to_email)
        Notice.objects.filter(pk__in=[n.pk for n in to_email]).update(emailed=True)
    return DeliveryResult(sent=len(notices), emailed=len(to_email), emails=1 if to_email else 0)


def absolute_url(link: str) -> str:
    """A notice's link as e-mails need it: a portal path made absolute (PORTAL_BASE_URL)."""
    if link.startswith("/"):
        return settings.PORTAL_BASE_URL.rstrip("/") + link
    return link


def _send(user: User, notices: list[Notice]) -> None:
    """One plain-text e-mail of `notices` to `user`."""
    subject = (
        notices[0].subject if len(notices) == 1 else f"{len(notices)} notices for you"
    ).replace("\n", " ")
    context = {
        "user": user,
        # (notice, its detail indented under it, its absolute link)
        "notices": [(n, textwrap.indent(n.body, "  "), absolute_url(n.link)) for n in notices],
        "inbox_url": absolute_url(reverse("notices:list")),
        "preferences_url": absolute_url(reverse("notices:preferences")),
    }
    send_mail(
        subject=f"{SUBJECT_PREFIX}: {subject}"[:250],
        message=render_to_string("notices/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=False,
    )
