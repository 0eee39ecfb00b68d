"""Readiness computation: gather (a fixed number of queries) → pure rules → store.

`readiness_recompute` serves the whole fleet (every 15 minutes, the daily snapshot, a report's
frozen basis) and a single agency right after one of its records changed
(`agency_figures_refresh`), through the same code."""

import gc
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import audit_event, audit_record_many, audit_value
from apps.core.bulk import bulk_upsert
from apps.directives.models import Directive
from apps.directives.selectors import Schedule, directive_current, directive_schedule
from apps.readiness.clock import local_date
from apps.readiness.inputs import AgencyInputs, DerivedChange, gather
from apps.readiness.models import AgencyReadiness, ReadinessRun, ReadinessSnapshot
from apps.readiness.scoring import (
    AgencyFigures,
    ClockState,
    FleetFigures,
    Rating,
    fleet_figures,
)
from apps.readiness.selectors import medians_of, overview_from_totals
from apps.tracking.models import AgencyTask

logger = logging.getLogger(__name__)

FIGURE_FIELDS = (
    "computed_at", "day_number", "ev", "pv", "spi", "rating", "forecast_at", "earned_weight",
    "planned_weight", "weight_total", "tasks_total", "tasks_done", "tasks_late",
    "tasks_overdue", "tasks_at_risk", "tasks_on_track", "tasks_not_applicable", "kev_overdue",
    "ai_coverage", "milestone_states",
)  # fmt: skip
# The figures that differ by agency (computed_at and day_number are the run's).
STORED_FIGURES = tuple(f for f in FIGURE_FIELDS if f not in ("computed_at", "day_number"))


class MilestoneState:
    """A milestone's state at one agency, for the heat map."""

    MET = "met"  # every task done on time (or not applicable)
    MET_LATE = "met_late"  # every task done, some after their due
    OVERDUE = "overdue"  # some task overdue
    AT_RISK = "at_risk"  # some task at risk
    PENDING = "pending"  # under way, on track
    ALL = (MET, MET_LATE, AT_RISK, OVERDUE, PENDING)


def milestone_state(counts: dict[str, int]) -> str:
    """A milestone's state from the clock states of its tasks (counts per state)."""
    get = counts.get
    overdue, at_risk = get(ClockState.OVERDUE, 0), get(ClockState.AT_RISK, 0)
    if not (overdue or at_risk or get(ClockState.ON_TRACK, 0)):  # every task closed
        if get(ClockState.LATE, 0):
            return MilestoneState.MET_LATE
        if get(ClockState.DONE, 0) or get(ClockState.NOT_APPLICABLE, 0):
            return MilestoneState.MET
    if overdue:
        return MilestoneState.OVERDUE
    if at_risk:
        return MilestoneState.AT_RISK
    return MilestoneState.PENDING


@dataclass(frozen=True)
class RecomputeResult:
    directive: Directive
    computed_at: datetime
    agencies: dict[int, AgencyFigures]
    fleet: FleetFigures
    derived_changes: int
    run: ReadinessRun | None


def figure_values(
    figures: AgencyFigures, inputs: AgencyInputs, schedule: Schedule, now: datetime, day: int
) -> dict:
    """The stored figures of one agency; `figures` come from a tally whose tasks were added
    with their milestone as group (see gather)."""
    counts = figures.counts
    return {
        "computed_at": now,
        "day_number": day,
        "ev": figures.ev,
        "pv": figures.pv,
        "spi": figures.spi,
        "rating": figures.rating,
        "forecast_at": figures.forecast,
        "earned_weight": figures.earned_weight,
        "planned_weight": figures.planned_weight,
        "weight_total": figures.weight_total,
        "tasks_total": len(figures.states),
        "tasks_done": counts[ClockState.DONE],
        "tasks_late": counts[ClockState.LATE],
        "tasks_overdue": counts[ClockState.OVERDUE],
        "tasks_at_risk": counts[ClockState.AT_RISK],
        "tasks_on_track": counts[ClockState.ON_TRACK],
        "tasks_not_applicable": counts[ClockState.NOT_APPLICABLE],
        "kev_overdue": inputs.kev_overdue,
        "ai_coverage": inputs.ai_coverage,
        "milestone_states": {
            schedule.codes[m]: milestone_state(figures.by_group.get(m, {}))
            for m in schedule.milestone_order
        },
    }


def _store_derived(changes: list[DerivedChange], now: datetime) -> int:
    """Write derived status/percent, skipping rows someone saved since they were read (the
    row lock serialises this with the CISO's own save, which locks the same row)."""
    if not changes:
        return 0
    by_id = {c.row.id: c for c in changes}
    locked = dict(
        AgencyTask.objects.select_for_update()
        .filter(pk__in=by_id)
        .order_by("pk")
        .values_list("pk", "version")
    )
    rows, unverified, events = [], [], []
    for pk, change in by_id.items():
        if locked.get(pk) != change.row.version:
            continue  # changed meanwhile: the next computation derives it afresh
        before = change.row
        row = AgencyTask(
            pk=pk,
            status=change.status,
            percent=change.percent,
            completed_at=change.completed_at,
            version=before.version + 1,
            updated_at=now,
        )
        if before.status == AgencyTask.Status.VERIFIED and change.status != before.status:
            unverified.append(row)  # no longer done, so no longer verified
        else:
            rows.append(row)
        diff = {
            k: [old, new]
            for k, old, new in (
                ("status", before.status, change.status),
                ("percent", before.percent, change.percent),
                (
                    "completed_at",
                    audit_value(before.completed_at),
                    audit_value(change.completed_at),
                ),
            )
            if old != new
        }
        events.append(
            audit_event(
                actor=None,
                action=AuditEvent.Action.DERIVE,
                instance=row,
                agency_id=before.agency_id,
                changes=diff,
                comment="Derived from tool deployments or KEV remediation records.",
                # str(row) would read the task and the agency: one query per row.
                object_repr=f"Task {before.task_id} at agency {before.agency_id}",
            )
        )
    fields = ["status", "percent", "completed_at", "version", "updated_at"]
    AgencyTask.objects.bulk_update(rows, fields)
    if unverified:  # verified_at/by are None on these rows
        AgencyTask.objects.bulk_update(unverified, [*fields, "verified_at", "verified_by"])
    audit_record_many(events)
    return len(events)


def _store_current(directive: Directive, values: dict[int, dict], now: datetime, day: int) -> None:
    """Upsert each agency's current figures, computed at `now` on day `day`."""
    # Oversight is reminded of an agency the day it turns red, not every day after: an agency
    # that stays red keeps its stored red_since (`kept`), one that turns red takes `now`.
    fields = ("agency", "red_since", *STORED_FIGURES)
    rows = [
        (
            agency_id,
            now if figures["rating"] == Rating.RED else None,
            *(figures[f] for f in STORED_FIGURES),
        )
        for agency_id, figures in values.items()
    ]
    bulk_upsert(
        AgencyReadiness,
        fields,
        rows,
        unique_fields=("agency", "directive"),
        constants={"directive": directive.pk, "computed_at": now, "day_number": day},
        kept=("red_since",),
    )


def readiness_run_store(
    directive: Directive, kind: str, values: dict[int, dict], schedule: Schedule,
    now: datetime, day: int,
) -> ReadinessRun:  # fmt: skip
    """Keep per-agency figures as a run of snapshots, with the fleet's figures summed from
    them the same way the dashboards sum current figures."""
    rows = values.values()
    fleet = overview_from_totals(
        {
            "agencies": len(values),
            **{k: sum(v[f] for v in rows) for k, f in (
                ("earned", "earned_weight"), ("planned", "planned_weight"),
                ("weight", "weight_total"), ("tasks_overdue", "tasks_overdue"),
                ("tasks_at_risk", "tasks_at_risk"), ("kev_overdue", "kev_overdue"))},
            **{r: sum(v["rating"] == r for v in rows) for r in Rating.ALL},
            "ai_coverage": _mean(v["ai_coverage"] for v in rows),
        },
        **medians_of([(v["ev"], v["spi"], v["weight_total"]) for v in rows]),
    )  # fmt: skip
    snapshot_date = local_date(now, schedule.tz)
    if kind == ReadinessRun.Kind.DAILY:
        # One point a day: a retried or repeated daily job replaces that day's point.
        ReadinessRun.objects.filter(
            directive=directive, kind=kind, snapshot_date=snapshot_date
        ).delete()
    run = ReadinessRun.objects.create(
        directive=directive, kind=kind, snapshot_date=snapshot_date, computed_at=now,
        day_number=day, ev=fleet.ev, pv=fleet.pv, spi=fleet.spi, agencies=fleet.agencies,
        green=fleet.green, amber=fleet.amber, red=fleet.red, median_ev=fleet.median_ev,
        median_spi=fleet.median_spi, tasks_overdue=fleet.tasks_overdue,
        kev_overdue=fleet.kev_overdue, ai_coverage=fleet.ai_coverage,
    )  # fmt: skip
    ReadinessSnapshot.objects.bulk_create(
        [
            ReadinessSnapshot(run=run, directive=directive, agency_id=agency_id, **figures)
            for agency_id, figures in values.items()
        ],
        batch_size=1000,
    )
    return run


def _mean(shares) -> float | None:
    known = [s for s in shares if s is not None]
    return sum(known) / len(known) if known else None


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while the fleet's inputs are built: ~40,000
    small acyclic objects (rows, task inputs) would otherwise trigger dozens of collections
    that walk every live object, a fifth of a fleet recompute's time. Nothing made here
    forms a cycle; the collector resumes (and catches up) right after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def readiness_recompute(
    *,
    directive: Directive | None = None,
    now: datetime | None = None,
    agency_ids: list[int] | None = None,
    keep_as: str | None = None,
) -> RecomputeResult:
    """Recompute readiness for every agency (or those given): derive the progress of
    derived tasks, compute each agency's figures with the pure rules, store them as current
    figures, and, with `keep_as` (a ReadinessRun kind), keep them as a run of snapshots.
    The number of queries does not depend on the number of agencies.

    Reading happens before the write transaction; derived progress is only written to rows
    whose version is unchanged since they were read (checked under a row lock)."""
    directive = directive or directive_current()
    now = now or timezone.now()
    schedule = directive_schedule(directive=directive)
    day = schedule.clock(now).day_number
    results: dict[int, AgencyFigures] = {}
    values: dict[int, dict] = {}
    with _collector_paused():
        gathered = gather(directive=directive, schedule=schedule, now=now, agency_ids=agency_ids)
        for agency_id, inputs in gathered.agencies.items():
            results[agency_id] = figures = inputs.tally.figures()
            values[agency_id] = figure_values(figures, inputs, schedule, now, day)
    fleet = fleet_figures(results.values())
    run = None
    with transaction.atomic():
        derived = _store_derived(gathered.changes, now)
        _store_current(directive, values, now, day)
        if keep_as is not None:
            run = readiness_run_store(directive, keep_as, values, schedule, now, day)
    return RecomputeResult(directive, now, results, fleet, derived, run)


def agency_figures_refresh(
    *, agency_id: int, now: datetime | None = None
) -> AgencyReadiness | None:
    """Recompute one agency's figures at once (after a change to its tasks, deployments or
    remediation), so its screens never show stale figures. None for an agency that has no
    task of the directive (a department, or one not yet assigned)."""
    result = readiness_recompute(agency_ids=[agency_id], now=now)
    return AgencyReadiness.objects.filter(agency_id=agency_id, directive=result.directive).first()


def agency_figures_refresh_on_commit(*, agency_id: int) -> None:
    """Refresh after the surrounding transaction commits (and before the response)."""
    transaction.on_commit(lambda: agency_figures_refresh(agency_id=agency_id))


@transaction.atomic
def readiness_run_freeze(
    *, directive: Directive, kind: str = ReadinessRun.Kind.REPORT, now: datetime | None = None
) -> ReadinessRun:
    """Keep the current figures of every agency as a run, unchanged from what the screens
    show at this moment (a report's frozen basis). Copies rows; computes nothing, so it is
    cheap enough for a web request."""
    now = now or timezone.now()
    schedule = directive_schedule(directive=directive)
    values = {
        agency_id: dict(zip(FIGURE_FIELDS, figures, strict=True))
        for agency_id, *figures in AgencyReadiness.objects.filter(directive=directive)
        .values_list("agency_id", *FIGURE_FIELDS)
    }  # fmt: skip
    return readiness_run_store(
        directive, kind, values, schedule, now, schedule.clock(now).day_number
    )
