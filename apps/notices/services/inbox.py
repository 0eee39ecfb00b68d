"""Writes of a user's own inbox: marking notices read, and which kinds reach them by e-mail.

The views resolve a notice through `apps.notices.selectors.notice_get_for_user` (404 for
anyone else's), so these services only ever see the user's own rows."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.notices.models import KINDS_BY_ROLE, EmailOptOut, Notice


def notice_mark_read(*, notice: Notice, now: datetime | None = None) -> Notice:
    """Mark one notice read; a notice already read keeps the time it was first read."""
    if notice.read_at is None:
        now = now or timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=now)
        notice.read_at = now
    return notice


def notices_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of `user` read; returns how many were unread."""
    return Notice.objects.filter(user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


@transaction.atomic
def notice_email_preferences_set(*, user: User, email_kinds: Iterable[str]) -> set[str]:
    """E-mail `user` about these kinds only, of those their role is told about; the other
    kinds still appear in the app. Returns the kinds now turned off."""
    offered = KINDS_BY_ROLE.get(user.role, ())
    wanted = set(email_kinds)
    unknown = wanted - set(offered)
    if unknown:
        raise DomainError(
            "You are not sent notices of this kind: " + ", ".join(sorted(unknown)) + ".",
            field="email_kinds",
        )
    off = set(offered) - wanted
    EmailOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(user=user, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )
    return off
