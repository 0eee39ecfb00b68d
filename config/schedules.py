"""Every periodic job of the portal, declared in one place. `manage.py sync_schedules`
(run by `make run` and after each deploy) writes them to django-celery-beat's tables, where
operators can adjust them in the admin; a later sync restores these definitions."""

from dataclasses import dataclass

from apps.readiness.clock import DEFAULT_TZ  # pure Python: no Django, no models

# Wall-clock jobs run in the directive's time zone, so "08:00" stays 08:00 across DST.
SCHEDULE_TIME_ZONE = DEFAULT_TZ.key


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    every_minutes: int | None = None
    at: str | None = None  # "HH:MM" daily, in SCHEDULE_TIME_ZONE
    # Once, at the deadline of the current directive (a django-celery-beat clocked one-off,
    # named after the directive; sync_schedules adds one for each new directive).
    at_deadline: bool = False
    description: str = ""


JOBS = (
    Job(
        name="Recompute readiness",
        task="readiness.recompute_fleet",
        every_minutes=15,
        description="Every agency's figures against the 30-day clock (set-based).",
    ),
    Job(
        name="Daily readiness snapshot",
        task="readiness.daily_snapshot",
        at="00:05",
        description="Keeps the day's figures of every agency as a point of the time series.",
    ),
    Job(
        name="Import the KEV feed",
        task="clearinghouse.import_kev_feed",
        at="05:30",
        description="Validated, all-or-nothing import from KEV_FEED_URL, then a recompute.",
    ),
    Job(
        name="Daily fleet report",
        task="reports.daily_fleet_report",
        at="06:00",
        description="The leadership PDF of the whole fleet.",
    ),
    Job(
        name="Day 30 final fleet report",
        task="reports.final_fleet_report",
        at_deadline=True,
        description="The final fleet PDF, figures judged at the directive's deadline.",
    ),
    Job(
        name="Re-queue lost jobs",
        task="core.sweep_lost_jobs",
        every_minutes=5,
        description="Reports (any job with a status row) queued or running past their time "
        "limit: enqueued again, failed after a second loss.",
    ),
    Job(
        name="Review digest",
        task="notices.send_digest",
        at="07:00",
        description="Oversight: new submissions to verify and pending extension requests.",
    ),
    Job(
        name="Reminders",
        task="notices.send_reminders",
        at="08:00",
        description="Due within 3 days, overdue (CISOs); turned red (oversight).",
    ),
    Job(
        name="Deliver waiting notices",
        task="notices.deliver_pending",
        every_minutes=10,
        description="E-mails notices whose delivery job was lost (each is e-mailed once).",
    ),
)
