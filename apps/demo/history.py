"""A readiness history for the demo: the daily snapshots the scheduler would have kept from
the day of issue until yesterday, so the burn-up chart has a past on the first `make run`.

The portal keeps no history of task percentages, so the past is reconstructed from today's
records: a task completed later was in progress then (linearly from its window's start), an
open task had proportionally less of its percent. Demo data only; the real series comes from
the 00:05 job."""

from datetime import datetime, timedelta

from apps.directives.models import Directive
from apps.directives.selectors import directive_schedule
from apps.readiness.clock import deadline_of, local_date, planned_fraction
from apps.readiness.inputs import clock_settings, gather
from apps.readiness.models import ReadinessRun
from apps.readiness.scoring import Scorer, TaskInput
from apps.readiness.services import figure_values, readiness_run_store


def _as_of(task: TaskInput, then: datetime, now: datetime) -> TaskInput:
    if task.completed_at is not None and task.completed_at <= then:
        return task
    if task.status in ("completed", "verified"):
        span = (task.completed_at - task.start).total_seconds()
        share = (then - task.start).total_seconds() / span if span > 0 else 0
        percent = int(max(0.0, min(0.95, share)) * 100)
    else:
        now_planned = planned_fraction(now, task.start, task.due) or 1.0
        percent = int(
            task.percent * min(1.0, planned_fraction(then, task.start, task.due) / now_planned)
        )
    status = task.status if task.status in ("blocked", "not_applicable") else "in_progress"
    return task._replace(status=status, percent=percent, completed_at=None)


def demo_history_backfill(*, directive: Directive, now: datetime) -> int:
    """Keep a daily run for each past day that has none; returns how many were made."""
    schedule = directive_schedule(directive=directive)
    have = set(
        ReadinessRun.objects.filter(directive=directive, kind=ReadinessRun.Kind.DAILY).values_list(
            "snapshot_date", flat=True
        )
    )
    first, today = local_date(directive.issued_at, schedule.tz), local_date(now, schedule.tz)
    days = [first + timedelta(days=n) for n in range((today - first).days)]
    days = [d for d in days if d not in have]
    if not days:
        return 0
    gathered = gather(directive=directive, schedule=schedule, now=now, keep_tasks=True)
    settings_ = clock_settings()
    for day in days:
        then = min(deadline_of(day, schedule.tz), now)
        scorer = Scorer(issued_at=schedule.issued_at, now=then, settings=settings_)
        values = {}
        for agency_id, inputs in gathered.agencies.items():
            tally = scorer.tally(agency_id)
            for task, milestone_id in inputs.tasks:
                tally.add(_as_of(task, then, now), milestone_id)
            values[agency_id] = figure_values(
                tally.figures(), inputs, schedule, then, schedule.clock(then).day_number
            )
        readiness_run_store(
            directive, ReadinessRun.Kind.DAILY, values, schedule, then,
            schedule.clock(then).day_number,
        )  # fmt: skip
    return len(days)
