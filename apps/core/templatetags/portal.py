"""Display helpers shared by the portal's pages: figures, deadlines and badges.

Badges always carry their meaning in words; colour only repeats it (WCAG 1.4.1).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from apps.readiness.charts._svg import index_text
from apps.readiness.clock import DEFAULT_TZ, zone_abbreviation
from apps.readiness.models import Rating
from apps.readiness.scoring import CLOCK_STATE_LABELS
from apps.tracking.models import AgencyTask, ExtensionRequest

register = template.Library()

STATUS_LABELS = dict(AgencyTask.Status.choices)
RATING_LABELS = dict(Rating.choices)
EXTENSION_LABELS = dict(ExtensionRequest.Status.choices)


@register.filter
def pct(value: float | None, digits: int = 0) -> str:
    """A fraction 0..1 as a percentage: 0.423 → "42%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def ratio(value: float | None) -> str:
    """An index such as SPI with two decimals; None (nothing planned yet) → "—"."""
    if value is None:
        return "—"
    return index_text(value)


@register.filter
def deadline(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """A deadline in the directive's zone: "Dec 27, 11:59 PM ET"."""
    if value is None:
        return "—"
    tz = tz or DEFAULT_TZ
    local = value.astimezone(tz)
    return f"{date_format(local, 'M j, g:i A')} {zone_abbreviation(value, tz)}"


@register.filter
def day(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """The local calendar day of an instant: "Dec 27"."""
    if value is None:
        return "—"
    return date_format(value.astimezone(tz or DEFAULT_TZ), "M j")


@register.filter
def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _badge(kind: str, value: str, labels: dict[str, str]) -> str:
    return format_html(
        '<span class="badge badge-{} badge-{}-{}">{}</span>',
        kind,
        kind,
        value,
        labels.get(value, value),
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return _badge("status", status, STATUS_LABELS)


@register.simple_tag
def clock_badge(state: str) -> str:
    return _badge("clock", state, CLOCK_STATE_LABELS)


@register.simple_tag
def rating_badge(rating: str | None) -> str:
    if not rating:
        return format_html('<span class="badge badge-rating badge-rating-none">Not rated</span>')
    return _badge("rating", rating, RATING_LABELS)


@register.simple_tag
def extension_badge(status: str) -> str:
    return _badge("extension", status, EXTENSION_LABELS)


@register.simple_tag
def page_url(url: str, query: str, number: int) -> str:
    """One page of a paginated list: `url` (empty: this page), the query string kept from
    the request (without "page"), then page=N. Escaped where it is output."""
    return f"{url}?{query}&page={number}" if query else f"{url}?page={number}"


@register.filter
def heat_state(states: dict | None, code: str):
    """The heat-map state (label, css class, icon) of one milestone of a figures row."""
    from apps.readiness.charts import MILESTONE_STATES

    return MILESTONE_STATES.get((states or {}).get(code, "pending"), MILESTONE_STATES["pending"])


@register.filter
def moment(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """An instant with its year, in the directive's zone: "Nov 27, 2026, 6:00 AM ET" (the
    PDF reports, read long after the day they were made)."""
    if value is None:
        return "—"
    tz = tz or DEFAULT_TZ
    local = value.astimezone(tz)
    return f"{date_format(local, 'M j, Y, g:i A')} {zone_abbreviation(value, tz)}"


@register.filter
def elapsed(since: datetime | None) -> str:
    """Time from `since` to now, as a job's status shows it: "42 s", "3 min 05 s",
    "1 h 02 min"."""
    if since is None:
        return "—"
    minutes, seconds = divmod(max(0, int((timezone.now() - since).total_seconds())), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"
