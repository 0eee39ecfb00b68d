"""The directive clock: deadlines, day counts and planned progress.

Pure Python: nothing from Django or the project is imported. Plain values go in (aware
datetimes, dates, ZoneInfo, ints), frozen dataclasses or plain values come out. The figures
built on top of this (credit, EV/PV/SPI, clock states, ratings, derived tasks, fleet sums)
live in ``apps.readiness.scoring``.

All instants are stored in UTC (aware datetimes) and judged in the directive's time zone
(America/New_York unless told otherwise), so a DST change never moves a deadline. The rules
implemented here, cited as ``[R1]``..``[R5]`` where they fire:

[R1] Deadline of a date = the end of that calendar day (23:59:59.999999) in the directive's
     zone, returned as an aware UTC datetime. A milestone at day offset k is due at the
     deadline of (issue date + k days), the issue date being the local calendar date of
     ``issued_at``; the directive's deadline is the deadline of offset ``window_days`` (30).
[R2] Day number = whole local calendar days since the issue date (0 on the day of issue,
     30 on the deadline day); days remaining = local calendar days from today to the
     deadline date; after the deadline the clock reads "Past deadline, N days".
[R3] Effective due of a task = its milestone's deadline, or the end of the approved
     extension's date in the directive's zone if there is one.
[R4] Window start of a task = the previous milestone's deadline, or the issue time for the
     first milestone.
[R5] Planned fraction p(t) = clamp((t - start) / (due - start), 0, 1); when due <= start,
     p = 1 if t >= due else 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: The directive's zone unless the caller says otherwise. Built once, at import time.
DEFAULT_TZ: ZoneInfo = ZoneInfo("America/New_York")
#: The directive's window: the deadline is the end of (issue date + 30 days).
DEFAULT_WINDOW_DAYS: int = 30

_MONTHS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
# US zones print their generic abbreviation ("ET" whether the deadline falls in EST or EDT).
_US_GENERIC: dict[str, str] = {
    "EST": "ET", "EDT": "ET", "CST": "CT", "CDT": "CT", "MST": "MT", "MDT": "MT",
    "PST": "PT", "PDT": "PT", "AKST": "AKT", "AKDT": "AKT", "HST": "HT", "HDT": "HT",
}  # fmt: skip
_US_ZONE_PREFIXES: tuple[str, ...] = ("America/", "US/", "Pacific/Honolulu")


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` unchanged, or raise ``ValueError`` if it is naive.

    A naive datetime would be silently read in the server's local zone by ``astimezone``,
    which is exactly the kind of drift this module exists to prevent.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value


def local_date(moment: datetime, tz: ZoneInfo = DEFAULT_TZ) -> date:
    """The calendar date of the aware instant ``moment`` in the zone ``tz``.

    Also the cut-off date for KEV scoping: entries due on or before
    ``local_date(effective_due, tz)`` are in scope.
    """
    return ensure_aware(moment, "moment").astimezone(tz).date()


def deadline_of(day: date, tz: ZoneInfo = DEFAULT_TZ) -> datetime:
    """The deadline of a calendar date: 23:59:59.999999 local time that day, as aware UTC.

    [R1] e.g. 2026-11-19 in America/New_York (EST) is 2026-11-20 04:59:59.999999 UTC, while
    2026-10-30 (EDT) is 2026-10-31 03:59:59.999999 UTC.
    """
    if isinstance(day, datetime):  # a datetime is a date too; its UTC date may be the wrong day
        raise TypeError("deadline_of() takes a date; use local_date() to convert a datetime")
    # [R1] End of the local calendar day. US transitions happen at 02:00, never at midnight,
    # so 23:59:59.999999 always exists and is unambiguous there (fold=0 elsewhere).
    return datetime.combine(day, time.max, tzinfo=tz).astimezone(UTC)


def milestone_deadline(issued_at: datetime, day_offset: int, tz: ZoneInfo = DEFAULT_TZ) -> datetime:
    """When a milestone at ``day_offset`` days after issue is due, as aware UTC.

    [R1] The deadline of (local issue date + ``day_offset`` calendar days), so offset 0 is
    due at the end of the issue day however late in the day the directive was issued.
    """
    if day_offset < 0:
        raise ValueError(f"day_offset must be >= 0, got {day_offset}")
    return deadline_of(local_date(issued_at, tz) + timedelta(days=day_offset), tz)


def directive_deadline(
    issued_at: datetime, window_days: int = DEFAULT_WINDOW_DAYS, tz: ZoneInfo = DEFAULT_TZ
) -> datetime:
    """The directive's deadline: [R1] that of its last milestone, at offset ``window_days``."""
    return milestone_deadline(issued_at, window_days, tz)


def milestone_windows(
    issued_at: datetime, dues: Sequence[datetime]
) -> list[tuple[datetime, datetime]]:
    """Each milestone's planning window ``(start, due)``, in the order of ``dues``.

    [R4] A milestone's window starts at the previous milestone's deadline, the first one's
    at ``issued_at``. ``dues`` must be sorted ascending (``ValueError`` otherwise).
    Milestones sharing a due date run in parallel: they all start at the latest due
    *strictly before* theirs (never at their own due, which would give an empty window).
    """
    ensure_aware(issued_at, "issued_at")
    windows: list[tuple[datetime, datetime]] = []
    start = issued_at
    previous: datetime | None = None
    for due in dues:
        ensure_aware(due, "due")
        if previous is not None:
            if due < previous:
                raise ValueError("milestone dues must be sorted ascending")
            if due > previous:
                start = previous  # [R4] previous milestone's deadline
        windows.append((start, due))
        previous = due
    return windows


def effective_due(
    *, milestone_due: datetime, extension_date: date | None, tz: ZoneInfo = DEFAULT_TZ
) -> datetime:
    """A task's effective due: its milestone's deadline, or its approved extension's.

    [R3] With an approved extension the due is the end of the extension date in ``tz``
    (the deadline of that date), replacing the milestone's deadline outright, even if
    it is earlier; keeping extensions later than the milestone is the model's job.
    Pass ``None`` when there is no approved extension.
    """
    ensure_aware(milestone_due, "milestone_due")
    if extension_date is None:
        return milestone_due
    return deadline_of(extension_date, tz)  # [R3] end of the extension's day


def planned_fraction(t: datetime, start: datetime, due: datetime) -> float:
    """The share of a task's window planned to have elapsed at ``t``, in [0, 1].

    [R5] clamp((t - start) / (due - start), 0, 1). A degenerate window (due <= start)
    is a step: 0 before ``due``, 1 from ``due`` on.
    """
    if due <= start:  # [R5] degenerate window
        return 1.0 if t >= due else 0.0
    if t <= start:
        return 0.0
    if t >= due:
        return 1.0
    return (t - start) / (due - start)  # exact int/int division of microseconds


def zone_abbreviation(moment: datetime, tz: ZoneInfo = DEFAULT_TZ) -> str:
    """The zone abbreviation to print next to ``moment`` in ``tz``.

    US zones (keys under ``America/``, ``US/`` and ``Pacific/Honolulu``) give the generic
    name: "ET" for both EST and EDT, likewise CT, MT, PT, AKT, HT. Other zones give the
    zone's own ``tzname()`` at that instant, e.g. "GMT"/"BST" for Europe/London, "UTC".
    """
    name = ensure_aware(moment, "moment").astimezone(tz).tzname() or ""
    key = getattr(tz, "key", None) or ""
    if key.startswith(_US_ZONE_PREFIXES):
        return _US_GENERIC.get(name, name)
    return name


def _format_deadline(deadline: datetime, tz: ZoneInfo) -> str:
    """E.g. "Dec 27, 11:59 PM ET" (locale-independent, no leading zero on the day)."""
    local = deadline.astimezone(tz)
    hour = local.hour % 12 or 12
    meridiem = "AM" if local.hour < 12 else "PM"
    zone = zone_abbreviation(deadline, tz)
    return f"{_MONTHS[local.month - 1]} {local.day}, {hour}:{local.minute:02d} {meridiem} {zone}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass(frozen=True)
class DirectiveClock:
    """Where the directive stands at one instant, judged in its time zone.

    ``day_number`` is negative before the issue date. ``days_remaining`` never goes below 0;
    once past the deadline ``days_past_deadline`` counts the local days since the deadline
    date (always >= 1 then, since the deadline is the last microsecond of its day) and is 0
    before it.
    """

    issued_at: datetime
    deadline: datetime
    window_days: int
    issue_date: date
    deadline_date: date
    day_number: int
    days_remaining: int
    is_issued: bool
    is_past_deadline: bool
    days_past_deadline: int
    label: str


def directive_clock(
    *,
    issued_at: datetime,
    now: datetime,
    window_days: int = DEFAULT_WINDOW_DAYS,
    tz: ZoneInfo = DEFAULT_TZ,
) -> DirectiveClock:
    """The directive clock at ``now``: day number, days left and a one-line label.

    Labels: "Day 12 of 30 · 18 days left · deadline Dec 27, 11:59 PM ET" ("1 day left";
    "due today" on the deadline day), "Past deadline, 3 days" ("1 day") after the deadline,
    and "Not yet issued · deadline ..." while ``now`` is before ``issued_at``.
    """
    ensure_aware(issued_at, "issued_at")
    ensure_aware(now, "now")
    issue_day = local_date(issued_at, tz)
    deadline_day = issue_day + timedelta(days=window_days)
    deadline = deadline_of(deadline_day, tz)  # [R1]
    today = local_date(now, tz)
    # [R2] whole local calendar days, so 23:59 on the issue day is still day 0.
    day_number = (today - issue_day).days
    is_past = now > deadline
    days_remaining = max(0, (deadline_day - today).days)  # [R2]
    days_past = (today - deadline_day).days if is_past else 0  # [R2] "past deadline, N days"
    is_issued = now >= issued_at
    when = _format_deadline(deadline, tz)
    if is_past:
        label = f"Past deadline, {_plural(days_past, 'day')}"
    elif not is_issued:
        label = f"Not yet issued \u00b7 deadline {when}"
    else:
        left = "due today" if days_remaining == 0 else f"{_plural(days_remaining, 'day')} left"
        label = f"Day {day_number} of {window_days} \u00b7 {left} \u00b7 deadline {when}"
    return DirectiveClock(
        issued_at=issued_at,
        deadline=deadline,
        window_days=window_days,
        issue_date=issue_day,
        deadline_date=deadline_day,
        day_number=day_number,
        days_remaining=days_remaining,
        is_issued=is_issued,
        is_past_deadline=is_past,
        days_past_deadline=days_past,
        label=label,
    )
