"""Readiness figures: credit, EV/PV/SPI, forecasts, clock states, ratings, fleet roll-ups.

Pure Python: nothing from Django or the project is imported (only the pure sibling module
``apps.readiness.clock``). Tasks come in as ``TaskInput`` values whose ``start`` and ``due``
the caller has already worked out with ``clock.milestone_windows`` and ``clock.effective_due``.
The rules implemented here, cited as ``[R6]``..``[R13]`` where they fire:

[R6]  Credit c = 1 for completed or verified, percent/100 otherwise (blocked keeps its
      percent). Accepted not-applicable tasks drop out of every sum; a not_applicable claim
      not yet accepted counts like an open task with its percent.
[R7]  EV = sum(w*c) / sum(w); PV = sum(w*p(t)) / sum(w); SPI = EV / PV, None when PV = 0.
      No applicable weight: EV = PV = 0, SPI None.
[R8]  Forecast (earned schedule): ES = earliest tau with PV(tau) >= EV, found exactly on the
      piecewise-linear PV; SPI_t = (ES - issue) / (t - issue); forecast = issue +
      (plan end - issue) / SPI_t, plan end = latest effective due. EV = 1: the last
      completion time; EV = 0, t <= issue or SPI_t = 0: None.
[R9]  Clock state: done / late (completed or verified, judged by completed_at against the
      effective due), overdue (open and t > due), at_risk (open and blocked, or
      p(t) - percent/100 > lag, or due within 72 h with percent < 90), on_track, and
      not_applicable (accepted N/A).
[R10] Rating: red if any task is overdue or SPI < 0.75; amber if any task is at risk or
      SPI < 0.95; green otherwise (SPI None: task states alone).
[R11] Tool coverage: covered = min(endpoints, sum of qualifying deployments' endpoints);
      percent = 100 * min(1, covered / (T * endpoints)); done, at the operational_since
      where the running sum first reaches T * endpoints. No endpoints: 0 %, not done.
[R12] KEV remediation: in scope = entries due on or before the task's effective due, less
      those marked not affected; percent = 100 * (remediated + mitigated) / in scope; not
      assessed counts as not done; in scope = 0 means 100 % done.
[R13] Fleet and group figures add up the weighted sums (never average agency ratios);
      medians of agency EV and SPI; counts by rating and by clock state.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from apps.readiness.clock import DEFAULT_TZ, deadline_of, ensure_aware, planned_fraction

K = TypeVar("K", bound=Hashable)

# Relative slack for float comparisons that the rules state as exact ("exactly 0.25 lag is
# not at risk"): lag computed as 0.55 - 0.30 = 0.25000000000000006 must not tip over.
_EPSILON = 1e-9


class TaskStatus:
    """AgencyTask status values (plain strings, as stored)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    COMPLETED = "completed"
    VERIFIED = "verified"
    NOT_APPLICABLE = "not_applicable"
    ALL = frozenset({NOT_STARTED, IN_PROGRESS, BLOCKED, COMPLETED, VERIFIED, NOT_APPLICABLE})
    FINISHED = frozenset({COMPLETED, VERIFIED})


class ClockState:
    """A task's clock state (plain strings); ``ALL`` is in display order."""

    DONE = "done"
    LATE = "late"
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    NOT_APPLICABLE = "not_applicable"
    ALL = (DONE, LATE, OVERDUE, AT_RISK, ON_TRACK, NOT_APPLICABLE)


# How a clock state reads on every page, badge and report.
CLOCK_STATE_LABELS = {
    ClockState.DONE: "Done",
    ClockState.LATE: "Done late",
    ClockState.OVERDUE: "Overdue",
    ClockState.AT_RISK: "At risk",
    ClockState.ON_TRACK: "On track",
    ClockState.NOT_APPLICABLE: "Not applicable",
}


class Rating:
    """An agency's rating (plain strings); ``ALL`` is in display order."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    ALL = (GREEN, AMBER, RED)


@dataclass(frozen=True)
class ClockSettings:
    """Thresholds for [R9] and [R10].

    Edges: a lag of exactly ``at_risk_lag`` is not at risk (strictly greater is); a due
    exactly ``due_soon_hours`` away counts as due soon (inclusive); a percent of exactly
    ``due_soon_percent`` is not at risk (strictly below is); an SPI of exactly ``red_spi``
    is not red and of exactly ``amber_spi`` is not amber (strictly below is).
    """

    at_risk_lag: float = 0.25
    due_soon_hours: float = 72
    due_soon_percent: int = 90
    red_spi: float = 0.75
    amber_spi: float = 0.95


DEFAULT_SETTINGS = ClockSettings()


class _TaskValues(NamedTuple):
    key: object
    weight: int
    status: str
    percent: int
    start: datetime
    due: datetime
    completed_at: datetime | None = None
    na_accepted: bool = False


class TaskInput(_TaskValues):
    """One AgencyTask as plain values. ``key`` is the caller's id, echoed back in states.

    ``start`` is the task's window start ([R4]) and ``due`` its effective due ([R3]), both
    aware. ``na_accepted`` only matters when ``status`` is not_applicable. A finished task
    without ``completed_at`` is taken as done on time.

    An immutable named tuple rather than a dataclass: the fleet recompute builds ~13,500
    of these every 15 minutes, and a tuple is built several times faster.
    """

    __slots__ = ()

    def __new__(
        cls, key: object, weight: int, status: str, percent: int, start: datetime,
        due: datetime, completed_at: datetime | None = None, na_accepted: bool = False,
    ) -> TaskInput:  # fmt: skip
        if status not in TaskStatus.ALL:
            raise ValueError(f"unknown task status {status!r}")
        if not 0 <= percent <= 100:
            raise ValueError(f"percent must be in 0..100, got {percent}")
        if weight < 0:
            raise ValueError(f"weight must be >= 0, got {weight}")
        ensure_aware(start, "start")
        ensure_aware(due, "due")
        if completed_at is not None:
            ensure_aware(completed_at, "completed_at")
        return tuple.__new__(
            cls, (key, weight, status, percent, start, due, completed_at, na_accepted)
        )

    #: ``TaskInput.trusted((key, weight, status, percent, start, due, completed_at,
    #: na_accepted))``: a TaskInput without the checks of ``__new__``, for values read
    #: from the database, whose columns and constraints already guarantee them (aware
    #: timestamps, a known status, percent 0..100, weight >= 1). The fleet recompute makes
    #: ~13,500 of these; built by C code, one costs a fraction of a checked one.
    trusted: ClassVar[Callable[[tuple], TaskInput]]


TaskInput.trusted = functools.partial(tuple.__new__, TaskInput)


def credit(status: str, percent: int) -> float:
    """A task's earned credit c in [0, 1].

    [R6] 1 for completed or verified, percent/100 for anything else: blocked keeps its
    percent, and so does a not_applicable claim (excluding accepted N/A is the caller's
    and ``agency_figures``' job).
    """
    if status not in TaskStatus.ALL:
        raise ValueError(f"unknown task status {status!r}")
    return _credit(status, percent)


def _credit(status: str, percent: int) -> float:
    """[R6] for a status already known to be valid (a TaskInput's)."""
    return 1.0 if status in TaskStatus.FINISHED else percent / 100


def _state(
    status: str, percent: int, due: datetime, completed_at: datetime | None, na_accepted: bool,
    now: datetime, planned: float, settings: ClockSettings, soon: datetime,
) -> str:  # fmt: skip
    """[R9] for one task's values, given its planned fraction at ``now`` and ``soon`` = now +
    the due-soon window (both worked out once by the caller, not per task)."""
    if status == TaskStatus.NOT_APPLICABLE and na_accepted:  # [R6] accepted N/A: excluded
        return ClockState.NOT_APPLICABLE
    if status in TaskStatus.FINISHED:
        # [R9] judged by completed_at against the effective due; due itself is on time.
        if completed_at is None or completed_at <= due:
            return ClockState.DONE
        return ClockState.LATE
    if now > due:  # [R9] overdue: open and strictly past the due
        return ClockState.OVERDUE
    if status == TaskStatus.BLOCKED:  # [R9] at risk: blocked
        return ClockState.AT_RISK
    if planned - percent / 100 - settings.at_risk_lag > _EPSILON:  # [R9] lag > 0.25
        return ClockState.AT_RISK
    # [R9] due within 72 h (inclusive: due - now <= 72 h) and percent < 90
    if due <= soon and percent < settings.due_soon_percent:
        return ClockState.AT_RISK
    return ClockState.ON_TRACK


def _soon(now: datetime, settings: ClockSettings) -> datetime:
    return now + timedelta(hours=settings.due_soon_hours)


def clock_state(task: TaskInput, now: datetime, settings: ClockSettings = DEFAULT_SETTINGS) -> str:
    """The task's ``ClockState`` at ``now`` [R9]; see ``ClockSettings`` for the edges."""
    ensure_aware(now, "now")
    planned = planned_fraction(now, task.start, task.due)
    return _state(
        task.status, task.percent, task.due, task.completed_at, task.na_accepted, now, planned,
        settings, _soon(now, settings),
    )  # fmt: skip


def rating_of(
    states: Iterable[str], spi: float | None, settings: ClockSettings = DEFAULT_SETTINGS
) -> str:
    """An agency's ``Rating`` from its task states and SPI [R10].

    Red if any task is overdue or SPI < 0.75; amber if any task is at risk or SPI < 0.95;
    green otherwise. With SPI None only the task states count. Late tasks are finished and
    do not lower the rating.
    """
    seen = set(states)
    if ClockState.OVERDUE in seen or (spi is not None and spi < settings.red_spi):
        return Rating.RED
    if ClockState.AT_RISK in seen or (spi is not None and spi < settings.amber_spi):
        return Rating.AMBER
    return Rating.GREEN


def _earned_schedule(
    windows: dict[tuple[datetime, datetime], float], target: float, total: float
) -> datetime:
    """[R8] The earliest tau with sum(w*p(tau)) >= target, 0 < target <= total, given the
    weight planned in each distinct window (start, due).

    The planned weight is piecewise linear in tau with breakpoints at the window starts and
    dues (plus unit steps at the dues of degenerate windows), so one sweep over the sorted
    breakpoints finds tau exactly: the first segment that reaches the target is
    interpolated. O(n log n) in the number of distinct windows.
    """
    slope_change: dict[datetime, float] = {}
    steps: dict[datetime, float] = {}
    for (start, due), weight in windows.items():
        if due > start:
            rate = weight / (due - start).total_seconds()
            slope_change[start] = slope_change.get(start, 0.0) + rate
            slope_change[due] = slope_change.get(due, 0.0) - rate
        else:  # [R5] degenerate window: p jumps from 0 to 1 at the due
            steps[due] = steps.get(due, 0.0) + weight
    breakpoints = sorted(slope_change.keys() | steps.keys())
    slack = _EPSILON * total
    value = slope = 0.0
    previous = breakpoints[0]
    for moment in breakpoints:
        reached = value + slope * (moment - previous).total_seconds()
        if slope > 0 and reached >= target - slack:
            seconds = max(0.0, target - value) / slope
            return min(moment, previous + timedelta(seconds=seconds))  # interpolate
        value = reached + steps.get(moment, 0.0)
        slope += slope_change.get(moment, 0.0)
        if value >= target - slack:
            return moment
        previous = moment
    return breakpoints[-1]  # only float residue gets here: PV reaches 1 at the last due


@dataclass(frozen=True)
class AgencyFigures:
    """One agency's figures at one instant.

    ``earned_weight`` = sum(w*c), ``planned_weight`` = sum(w*p), ``weight_total`` = sum(w)
    over applicable tasks, kept so fleet and group figures can add them up [R13].
    ``states`` maps each task's key to its clock state; ``counts`` has every
    ``ClockState`` (zeros included), and ``by_group`` the same per group of tasks for the
    tasks added with one (``AgencyTally.add``). ``earned_schedule``/``spi_t`` are None
    whenever EV is 0.
    """

    agency: object
    ev: float
    pv: float
    spi: float | None
    earned_weight: float
    planned_weight: float
    weight_total: int
    earned_schedule: datetime | None
    spi_t: float | None
    plan_end: datetime | None
    forecast: datetime | None
    rating: str
    states: dict[object, str]
    counts: dict[str, int]
    by_group: dict[object, dict[str, int]] = field(default_factory=dict)


class Scorer:
    """The rules at one instant, for any number of agencies. What does not depend on the
    agency is worked out once: the due-soon horizon, and p(t) of each window [R5] (the
    fleet's ~13,500 tasks share a handful of windows)."""

    def __init__(
        self, *, issued_at: datetime, now: datetime, settings: ClockSettings = DEFAULT_SETTINGS
    ) -> None:
        self.issued_at = ensure_aware(issued_at, "issued_at")
        self.now = ensure_aware(now, "now")
        self.settings = settings
        self.soon = _soon(now, settings)
        self.planned_in: dict[tuple[datetime, datetime], float] = {}  # window -> p(now)

    def tally(self, agency: object = None) -> AgencyTally:
        """An empty tally for one agency; ``agency`` is echoed back in its figures."""
        return AgencyTally(self, agency)


class AgencyTally:
    """One agency's figures, built one task at a time: ``add`` each task, then read
    ``figures()``. The fleet recompute adds tasks while it reads them (and while the
    database is still counting KEV records), so little is left to do at the end.
    ``agency_figures`` is the same for a list of tasks.

    Per task only what differs by task is kept: its state, its earned weight, and its
    weight under its window; PV, the weight total and the plan end follow from the
    windows' weights [R7, R8], so they cost nothing per task."""

    __slots__ = (
        "agency", "by_group", "counts", "earned", "last_done", "scorer", "states",
        "weight_in",
    )  # fmt: skip

    def __init__(self, scorer: Scorer, agency: object = None) -> None:
        self.scorer = scorer
        self.agency = agency
        self.states: dict[object, str] = {}
        self.counts = dict.fromkeys(ClockState.ALL, 0)
        self.by_group: dict[object, dict[str, int]] = {}
        self.weight_in: dict[tuple[datetime, datetime], int] = {}  # window -> weight
        self.earned = 0.0
        self.last_done: datetime | None = None  # [R8] last completion of a weighted task

    def add(self, task: TaskInput | tuple, group: object = None) -> None:
        """Score one task; ``group`` (e.g. its milestone) counts its state per group.
        ``task`` may also be a plain tuple of a TaskInput's fields, in order, as the fleet
        recompute passes the rows it has already checked."""
        key, weight, status, percent, start, due, done_at, na_accepted = task
        scorer = self.scorer
        window = (start, due)
        p = scorer.planned_in.get(window)
        if p is None:
            p = scorer.planned_in[window] = planned_fraction(scorer.now, start, due)  # [R5]
        state = _state(
            status, percent, due, done_at, na_accepted, scorer.now, p, scorer.settings,
            scorer.soon,
        )  # [R9]  # fmt: skip
        self.states[key] = state
        self.counts[state] += 1
        if group is not None:
            counts = self.by_group.get(group)
            if counts is None:
                counts = self.by_group[group] = dict.fromkeys(ClockState.ALL, 0)
            counts[state] += 1
        if state == ClockState.NOT_APPLICABLE or not weight:
            return  # [R6] accepted N/A drops out of every sum; a weightless task adds nothing
        weight_in = self.weight_in
        weight_in[window] = weight_in.get(window, 0) + weight
        self.earned += weight * _credit(status, percent)  # [R6]
        if done_at is not None and (self.last_done is None or done_at > self.last_done):
            self.last_done = done_at

    def figures(self) -> AgencyFigures:
        if sum(self.counts.values()) != len(self.states):
            raise ValueError("duplicate task key: each task must be added once")
        planned_in, weight_in = self.scorer.planned_in, self.weight_in
        total = sum(weight_in.values())
        planned = sum(weight * planned_in[window] for window, weight in weight_in.items())
        earned = self.earned
        issued_at, now = self.scorer.issued_at, self.scorer.now
        # [R7] no applicable weight: EV = PV = 0 and SPI None
        ev = earned / total if total else 0.0
        pv = planned / total if total else 0.0
        spi = earned / planned if planned > 0 else None  # [R7] None when PV = 0
        # [R8] plan end = latest effective due of the tasks that carry weight.
        plan_end = max((due for _, due in weight_in), default=None)
        es: datetime | None = None
        spi_t: float | None = None
        forecast: datetime | None = None
        if weight_in and earned > 0:  # [R8] EV = 0: no forecast
            es = _earned_schedule(weight_in, min(earned, float(total)), float(total))
            elapsed = (now - issued_at).total_seconds()
            if elapsed > 0:  # [R8] t <= issue: no SPI_t, no forecast
                spi_t = (es - issued_at).total_seconds() / elapsed
            if earned >= total:  # [R8] EV = 1: the time of the last completion
                forecast = self.last_done
            elif spi_t is not None and spi_t > 0 and plan_end is not None:
                try:  # [R8] SPI_t = 0: None (above)
                    forecast = issued_at + (plan_end - issued_at) / spi_t
                except OverflowError:  # beyond year 9999: no meaningful forecast
                    forecast = None
        present = [state for state, n in self.counts.items() if n]
        return AgencyFigures(
            agency=self.agency,
            ev=ev,
            pv=pv,
            spi=spi,
            earned_weight=earned,
            planned_weight=planned,
            weight_total=total,
            earned_schedule=es,
            spi_t=spi_t,
            plan_end=plan_end,
            forecast=forecast,
            rating=rating_of(present, spi, self.scorer.settings),  # [R10]
            states=self.states,
            counts=self.counts,
            by_group=self.by_group,
        )


def agency_figures(
    tasks: Iterable[TaskInput],
    *,
    issued_at: datetime,
    now: datetime,
    settings: ClockSettings = DEFAULT_SETTINGS,
    agency: object = None,
) -> AgencyFigures:
    """EV, PV, SPI, forecast, clock states and rating of one agency's tasks at ``now``.

    ``agency`` is echoed back (handy as a ``rollup`` key). Task keys must be unique.
    Linear in the number of tasks apart from the forecast's sort of breakpoints.
    """
    tally = Scorer(issued_at=issued_at, now=now, settings=settings).tally(agency)
    for task in tasks:
        tally.add(task)
    return tally.figures()


@dataclass(frozen=True)
class DerivedProgress:
    """Progress of a derived task: ``percent`` is floored (99.6 shows as 99, never 100).
    ``covered`` is set for a tool_coverage task only: the endpoints counted, capped at the
    agency's endpoint count [R11]."""

    percent: int
    done: bool
    completed_at: datetime | None
    covered: int | None = None


def _exact(value: float | Decimal | Fraction) -> Fraction:
    """A float as the decimal it was written as (0.8 -> 4/5), so 800/(0.8*1000) is exactly 1."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@functools.cache
def _ratio(target: float | Decimal | Fraction) -> tuple[int, int]:
    """``target`` as an exact integer ratio (numerator, denominator); a handful of distinct
    targets exist, so the conversion is cached."""
    exact = _exact(target)
    return exact.numerator, exact.denominator


def tool_coverage_progress(
    *, endpoints: int, target: float | Decimal, deployments: Sequence[tuple[datetime, int]]
) -> DerivedProgress:
    """Progress of a ``tool_coverage`` task [R11].

    ``target`` is the fraction T of endpoints to cover, 0 < T <= 1 (float or Decimal, e.g.
    the stored coverage_target); ``deployments`` are
    (operational_since, endpoints_covered) of the agency's operational deployments of
    AI-enabled tools of the task's category, in any order. Arithmetic is exact.
    """
    num, den = _ratio(target)
    if not 0 < num <= den:
        raise ValueError(f"target must be in (0, 1], got {target!r}")
    if endpoints < 0 or any(n < 0 for _, n in deployments):
        raise ValueError("endpoint counts must be >= 0")
    if endpoints == 0:  # [R11] nothing to cover: 0 %, not done
        return DerivedProgress(percent=0, done=False, completed_at=None, covered=0)
    # Integer arithmetic on T = num/den keeps the comparisons exact (covered >= T * endpoints
    # is covered * den >= num * endpoints) and is ~10x cheaper than Fractions, which matters
    # when the fleet recompute derives 1,500 coverage tasks.
    threshold = num * endpoints  # T * endpoints, scaled by den
    covered = min(endpoints, sum(n for _, n in deployments))  # [R11] capped at endpoints
    percent = min(100, 100 * covered * den // threshold)  # floor: never rounds up to 100
    completed_at: datetime | None = None
    running = 0
    for since, n in sorted(deployments, key=lambda deployment: deployment[0]):
        running += n
        if running * den >= threshold:  # [R11] the running sum first reaches T * endpoints
            completed_at = ensure_aware(since, "operational_since")
            break
    done = completed_at is not None
    return DerivedProgress(percent=percent, done=done, completed_at=completed_at, covered=covered)


def kev_progress(
    *,
    due_in_scope: int,
    not_affected: int,
    remediated: int,
    last_change: datetime | date | None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> DerivedProgress:
    """Progress of a ``kev_remediation`` task [R12].

    ``due_in_scope``: KEV entries due on or before the task's effective due (local date,
    see ``clock.local_date``); ``not_affected``: those of them the agency marked not
    affected; ``remediated``: those remediated or mitigated. Entries not yet assessed stay
    in the denominator, so assessing nothing is 0 %, not 100 %. ``last_change`` (the
    latest remediation time) becomes ``completed_at`` when done; with nothing in scope the
    task is done at ``last_change`` (which may be None). A date (e.g. the stored
    ``resolved_on``) stands for the end of that day in ``tz``, so a fix dated on the due
    date is on time.
    """
    if isinstance(last_change, datetime):
        ensure_aware(last_change, "last_change")
    elif isinstance(last_change, date):
        last_change = deadline_of(last_change, tz)
    if min(due_in_scope, not_affected, remediated) < 0:
        raise ValueError("KEV counts must be >= 0")
    in_scope = due_in_scope - not_affected  # [R12] less those not affected
    if in_scope < 0 or remediated > in_scope:
        raise ValueError("inconsistent KEV counts")
    if in_scope == 0:  # [R12] nothing to remediate: 100 % done
        return DerivedProgress(percent=100, done=True, completed_at=last_change)
    percent = 100 * remediated // in_scope  # [R12] not assessed counts as not done
    done = remediated == in_scope
    return DerivedProgress(percent=percent, done=done, completed_at=last_change if done else None)


@dataclass(frozen=True)
class FleetFigures:
    """Figures of many agencies: sums of their weighted sums, not averages of ratios [R13].

    ``median_ev`` leaves out agencies without applicable tasks (their EV of 0 means
    nothing); ``median_spi`` leaves out SPI None. Both are None with nothing to take.
    ``by_rating`` has every ``Rating`` and ``counts`` every ``ClockState`` (zeros included).
    """

    agencies: int
    ev: float
    pv: float
    spi: float | None
    median_ev: float | None
    median_spi: float | None
    by_rating: dict[str, int]
    counts: dict[str, int]
    earned_weight: float
    planned_weight: float
    weight_total: int


def fleet_figures(agencies: Iterable[AgencyFigures]) -> FleetFigures:
    """Fleet-wide figures from per-agency figures computed at the same instant [R13].

    Fleet EV = sum of earned weights / sum of weights over all agencies' tasks (likewise
    PV and SPI), so a large agency counts for more than a small one.
    """
    earned = planned = 0.0
    total = count = 0
    by_rating = dict.fromkeys(Rating.ALL, 0)
    counts = dict.fromkeys(ClockState.ALL, 0)
    evs: list[float] = []
    spis: list[float] = []
    for figures in agencies:
        count += 1
        earned += figures.earned_weight  # [R13] add the sums, never average the ratios
        planned += figures.planned_weight
        total += figures.weight_total
        by_rating[figures.rating] += 1
        for state, n in figures.counts.items():
            counts[state] += n
        if figures.weight_total > 0:
            evs.append(figures.ev)
        if figures.spi is not None:
            spis.append(figures.spi)
    return FleetFigures(
        agencies=count,
        ev=earned / total if total else 0.0,
        pv=planned / total if total else 0.0,
        spi=earned / planned if planned > 0 else None,
        median_ev=statistics.median(evs) if evs else None,
        median_spi=statistics.median(spis) if spis else None,
        by_rating=by_rating,
        counts=counts,
        earned_weight=earned,
        planned_weight=planned,
        weight_total=total,
    )


def rollup(
    agency_results: Iterable[AgencyFigures], *, key: Callable[[AgencyFigures], K]
) -> dict[K, FleetFigures]:
    """``fleet_figures`` per group: ``key`` maps an agency's figures to its group.

    E.g. ``rollup(results, key=lambda f: department_of[f.agency])``. Groups appear in the
    order their first agency does.
    """
    groups: dict[K, list[AgencyFigures]] = {}
    for figures in agency_results:
        groups.setdefault(key(figures), []).append(figures)
    return {group: fleet_figures(members) for group, members in groups.items()}
