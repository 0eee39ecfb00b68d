"""The one module that writes the portal's figures, dates and labels as people read them:
pages (through the `portal` template tags), charts, PDF builders, e-mails and exports all
call these functions, so a figure reads the same everywhere.

Plain functions of plain values; no request, no database."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateformat import format as date_format

from apps.accounts.models import person_name
from apps.readiness.charts._svg import index_text
from apps.readiness.clock import DEFAULT_TZ, zone_abbreviation
from apps.readiness.models import Rating
from apps.readiness.scoring import CLOCK_STATE_LABELS
from apps.tracking.models import AgencyTask, ExtensionRequest

STATUS_LABELS = dict(AgencyTask.Status.choices)
RATING_LABELS = dict(Rating.choices)
EXTENSION_LABELS = dict(ExtensionRequest.Status.choices)

__all__ = [
    "CLOCK_STATE_LABELS",
    "EXTENSION_LABELS",
    "RATING_LABELS",
    "STATUS_LABELS",
    "day",
    "deadline",
    "elapsed",
    "heat_state",
    "iso",
    "moment",
    "pct",
    "person",
    "ratio",
]


def pct(value: float | None, digits: int = 0) -> str:
    """A fraction 0..1 as a percentage: 0.423 → "42%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


def ratio(value: float | None) -> str:
    """An index such as SPI with two decimals; None (nothing planned yet) → "—"."""
    if value is None:
        return "—"
    return index_text(value)


def person(user) -> str:
    """A person by name, "System" when there is none (apps.accounts.models.person_name)."""
    return person_name(user)


def deadline(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """A deadline in the directive's zone: "Dec 27, 11:59 PM ET"."""
    if value is None:
        return "—"
    tz = tz or DEFAULT_TZ
    local = value.astimezone(tz)
    return f"{date_format(local, 'M j, g:i A')} {zone_abbreviation(value, tz)}"


def day(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """The local calendar day of an instant: "Dec 27"."""
    if value is None:
        return "—"
    return date_format(value.astimezone(tz or DEFAULT_TZ), "M j")


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def moment(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """An instant with its year, in the directive's zone: "Nov 27, 2026, 6:00 AM ET" (the
    PDF reports, read long after the day they were made)."""
    if value is None:
        return "—"
    tz = tz or DEFAULT_TZ
    local = value.astimezone(tz)
    return f"{date_format(local, 'M j, Y, g:i A')} {zone_abbreviation(value, tz)}"


def heat_state(states: dict | None, code: str):
    """The heat-map state (label, css class, icon) of one milestone of a figures row."""
    from apps.readiness.charts import MILESTONE_STATES

    return MILESTONE_STATES.get((states or {}).get(code, "pending"), MILESTONE_STATES["pending"])


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
