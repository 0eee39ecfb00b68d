"""Reads of a user's notices (STYLE rules 2 and 3): every read is scoped to the user, so
someone else's notice answers the same 404 as one that does not exist. The notice pages,
the header's bell and the API all read through these."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.notices.models import KIND_DESCRIPTIONS, KINDS_BY_ROLE, EmailOptOut, Notice

# The bell says "99+" past this: counting further would only cost more.
UNREAD_SHOWN_MAX = 99


def notice_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notice]:
    """The user's own notices, newest first (nothing for an anonymous user)."""
    if not user.is_authenticated:
        return Notice.objects.none()
    notices = Notice.objects.filter(user=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-pk")


def notice_get_for_user(*, user: User, pk: int) -> Notice:
    """One of the user's own notices; 404 for a missing one and for anyone else's alike."""
    try:
        return notice_list_for_user(user=user).get(pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404("No such notice.") from exc


def notice_unread_count(*, user: User) -> int:
    """How many of the user's notices are unread, counted up to UNREAD_SHOWN_MAX + 1 (one
    query on the partial index notice_unread; none for an anonymous user)."""
    if not user.is_authenticated:
        return 0
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    return unread.values("pk")[: UNREAD_SHOWN_MAX + 1].count()


@dataclass(frozen=True)
class KindSetting:
    kind: str
    label: str
    description: str
    email: bool


def notice_email_settings(*, user: User) -> list[KindSetting]:
    """The kinds of notice the user's role is told about, each with whether it reaches them
    by e-mail (on unless they turned it off)."""
    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [
        KindSetting(kind, Notice.Kind(kind).label, KIND_DESCRIPTIONS[kind], kind not in off)
        for kind in KINDS_BY_ROLE.get(user.role, ())
    ]
