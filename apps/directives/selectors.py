import functools
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404

from apps.directives.models import Directive
from apps.readiness.clock import (
    DirectiveClock,
    directive_clock,
    milestone_deadline,
    milestone_windows,
)


@dataclass(frozen=True)
class Schedule:
    """A directive's clock as plain values: each milestone's window (start, due) in UTC."""

    directive_id: int
    issued_at: datetime
    window_days: int
    tz: ZoneInfo
    windows: dict[int, tuple[datetime, datetime]]  # milestone id -> (start, due)
    offsets: dict[int, int]  # milestone id -> day offset
    codes: dict[int, str]  # milestone id -> code

    @functools.cached_property
    def milestone_order(self) -> list[int]:
        """Milestone ids by day offset."""
        return sorted(self.codes, key=self.offsets.get)

    def clock(self, now: datetime) -> DirectiveClock:
        return directive_clock(
            issued_at=self.issued_at, now=now, window_days=self.window_days, tz=self.tz
        )


def directive_current(qs=None) -> Directive:
    """The directive the screens show: PORTAL_DIRECTIVE_CODE, or the latest issued.
    `qs` lets a caller annotate what it needs in the same query."""
    qs = Directive.objects.all() if qs is None else qs
    if settings.PORTAL_DIRECTIVE_CODE:
        qs = qs.filter(code=settings.PORTAL_DIRECTIVE_CODE)
    directive = qs.order_by("-issued_at").first()
    if directive is None:
        raise Http404("No directive has been issued yet.")
    return directive


def directive_schedule_cached(*, directive: Directive) -> Schedule:
    """`directive_schedule`, kept in the cache until the directive is saved again (a
    re-issue or a milestone change through the loader bumps its updated_at)."""
    from django.core.cache import cache

    key = f"schedule:{directive.pk}:{directive.updated_at.timestamp()}"
    schedule = cache.get(key)
    if schedule is None:
        schedule = directive_schedule(directive=directive)
        cache.set(key, schedule, 24 * 60 * 60)
    return schedule


def directive_schedule(*, directive: Directive) -> Schedule:
    """Milestone windows of a directive: [R4] a window starts at the previous milestone's
    deadline (the issue time for the first) and ends at its own deadline [R1]."""
    tz = ZoneInfo(directive.time_zone)
    milestones = sorted(directive.milestones.all(), key=lambda m: m.day_offset)
    dues = [milestone_deadline(directive.issued_at, m.day_offset, tz) for m in milestones]
    spans = milestone_windows(directive.issued_at, dues)
    windows = {m.pk: span for m, span in zip(milestones, spans, strict=True)}
    offsets = {m.pk: m.day_offset for m in milestones}
    codes = {m.pk: m.code for m in milestones}
    return Schedule(
        directive_id=directive.pk,
        issued_at=directive.issued_at,
        window_days=directive.window_days,
        tz=tz,
        windows=windows,
        offsets=offsets,
        codes=codes,
    )


def directive_clock_context(
    *, now: datetime | None = None, with_schedule: bool = False, required: bool = False
) -> dict:
    """The current directive and its clock for a page's clock banner: `directive`, `clock`,
    `tz` and `now` (one query), and with `with_schedule` its milestone `schedule` (from the
    cache; one more query when it is cold). Before any directive is issued: empty, or with
    `required` the 404 of a page that has nothing to show yet."""
    from django.utils import timezone

    try:
        directive = directive_current()
    except Http404:
        if required:
            raise
        return {}
    tz = ZoneInfo(directive.time_zone)
    now = now or timezone.now()
    context = {
        "directive": directive,
        "clock": directive_clock(
            issued_at=directive.issued_at, now=now, window_days=directive.window_days, tz=tz
        ),
        "tz": tz,
        "now": now,
    }
    if with_schedule:
        context["schedule"] = directive_schedule_cached(directive=directive)
    return context
