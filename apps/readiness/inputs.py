"""Set-based gathering of readiness inputs: a fixed handful of aggregate queries, whatever the
number of agencies, turned into the plain values the pure rules (clock.py, scoring.py) take.

Queries (the same count for 1, 10 or 500 agencies):
  1. the directive's tasks;  2. the approved extensions' dates of KEV tasks (with the
  milestones' dates, the KEV cut-offs);  3. the KEV catalog's due dates;  4. remediation
  counts per agency for each cut-off (conditional aggregation, one scan);  5. operational
  AI-enabled deployments;  6. every AgencyTask row (with its agency's endpoint count);
  7. only when a KEV task has just become done, when it did.
(The caller has already read the directive and its milestones into a Schedule.)

For the whole fleet, 5 and 6 run on a second connection, in a worker thread that also
scores each task as it is read, while this connection runs 4, the one heavy query.
"""

import bisect
import functools
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    ExpressionWrapper,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
)
from django.db.models.expressions import Star

from apps.clearinghouse.models import Remediation, Vulnerability
from apps.core.db import fetch_tuples
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.directives.models import Directive, Task
from apps.directives.selectors import Schedule
from apps.readiness.clock import effective_due, local_date
from apps.readiness.scoring import (
    AgencyTally,
    ClockSettings,
    DerivedProgress,
    Scorer,
    TaskInput,
    kev_progress,
    tool_coverage_progress,
)
from apps.tracking.models import AgencyTask

T = TypeVar("T")
# AI-defense coverage on the dashboards is the share of endpoints under AI-enabled EDR.
COVERAGE_KPI_CATEGORY = DefenseTool.Category.EDR


def clock_settings() -> ClockSettings:
    """The clock thresholds from settings (READINESS_*; documented in .env.example)."""
    return ClockSettings(
        at_risk_lag=settings.READINESS_AT_RISK_LAG,
        due_soon_hours=settings.READINESS_AT_RISK_DUE_HOURS,
        due_soon_percent=settings.READINESS_AT_RISK_DUE_PERCENT,
    )


class TaskMeta(NamedTuple):
    """What the rules need of a directive task."""

    id: int
    code: str
    milestone_id: int
    weight: int
    measure: str
    coverage_target: Decimal | None
    coverage_category: str


class TaskRow(NamedTuple):
    """One AgencyTask as stored. A NamedTuple: the fleet recompute makes ~20,000 of these,
    and a tuple is built several times faster than a frozen dataclass."""

    id: int
    agency_id: int
    task_id: int
    status: str
    percent: int
    completed_at: datetime | None
    extended_due: date | None
    na_accepted: bool
    version: int


@dataclass(frozen=True)
class DerivedChange:
    """A derived task whose stored status/percent no longer match its derivation."""

    row: TaskRow
    status: str
    percent: int
    completed_at: datetime | None


@dataclass
class AgencyInputs:
    """One agency's inputs to the rules. `tally` has scored each task as it was read (its
    states counted per milestone); `tasks` keeps them, with their milestone, only when
    gather() is asked to."""

    agency_id: int
    endpoints: int
    tally: AgencyTally
    tasks: list[tuple[TaskInput, int]] | None = None
    kev_overdue: int = 0
    ai_coverage: float | None = None

    def add(self, values: tuple, milestone_id: int) -> None:
        """Score a task given as the tuple of a TaskInput's fields (read from the
        database, so trusted); keep it as a TaskInput if asked to."""
        self.tally.add(values, milestone_id)
        if self.tasks is not None:
            self.tasks.append((TaskInput.trusted(values), milestone_id))


@dataclass
class Gathered:
    agencies: dict[int, AgencyInputs]
    changes: list[DerivedChange]


def task_meta(task: Task) -> TaskMeta:
    return TaskMeta(
        task.pk, task.code, task.milestone_id, task.weight, task.measure, task.coverage_target,
        task.coverage_category,
    )  # fmt: skip


def task_metas(directive: Directive) -> dict[int, TaskMeta]:
    return {
        t.id: t
        for t in (
            TaskMeta(*values)
            for values in Task.objects.filter(directive=directive).values_list(
                "id",
                "code",
                "milestone_id",
                "weight",
                "measure",
                "coverage_target",
                "coverage_category",
            )
        )
    }


def due_of(extended_due: date | None, meta: TaskMeta, schedule: Schedule) -> datetime:
    """[R3] The milestone's deadline, or the end of the approved extension's date."""
    _, milestone_due = schedule.windows[meta.milestone_id]
    return effective_due(milestone_due=milestone_due, extension_date=extended_due, tz=schedule.tz)


def task_window(
    extended_due: date | None, meta: TaskMeta, schedule: Schedule
) -> tuple[datetime, datetime]:
    """A task's planning window: [R4] its milestone's window start and [R3] its effective
    due (the milestone's deadline, or the end of its approved extension's date)."""
    return schedule.windows[meta.milestone_id][0], due_of(extended_due, meta, schedule)


def task_input(agency_task: AgencyTask, meta: TaskMeta, schedule: Schedule) -> TaskInput:
    """The pure rules' view of one AgencyTask. It comes from the database, so the
    TaskInput's own checks are skipped (TaskInput.trusted)."""
    return TaskInput.trusted(
        (
            agency_task.pk,
            meta.weight,
            agency_task.status,
            agency_task.percent,
            *task_window(agency_task.extended_due, meta, schedule),
            agency_task.completed_at,
            agency_task.na_accepted_at is not None,
        )
    )


def task_row(agency_task: AgencyTask) -> TaskRow:
    return TaskRow(
        id=agency_task.pk,
        agency_id=agency_task.agency_id,
        task_id=agency_task.task_id,
        status=agency_task.status,
        percent=agency_task.percent,
        completed_at=agency_task.completed_at,
        extended_due=agency_task.extended_due,
        na_accepted=agency_task.na_accepted_at is not None,
        version=agency_task.version,
    )


def _done_before(row: TaskRow) -> bool:
    return row.status in AgencyTask.DONE_STATUSES and row.completed_at is not None


def derived_status(
    row: TaskRow, progress: DerivedProgress, *, issued_at: datetime
) -> tuple[str, int, datetime | None]:
    """The status a derived task should have. The engine owns status and percent of derived
    tasks, except what a person declared: a not-applicable claim and a blocker stay, and a
    verification stands while the derivation still says done."""
    S = AgencyTask.Status
    if row.status == S.NOT_APPLICABLE:
        return row.status, row.percent, row.completed_at
    if row.status == S.BLOCKED and not progress.done:
        return row.status, progress.percent, None
    if progress.done:
        if _done_before(row):  # still done: its completion time does not move
            return row.status, 100, row.completed_at
        # No completion time: nothing was ever in scope, so done since the directive began.
        return S.COMPLETED, 100, progress.completed_at or issued_at
    return (S.IN_PROGRESS if progress.percent > 0 else S.NOT_STARTED), progress.percent, None


def gather(
    *,
    directive: Directive,
    schedule: Schedule,
    now: datetime,
    agency_ids: list[int] | None = None,
    keep_tasks: bool = False,
) -> Gathered:
    """Read everything the rules need for the given agencies (all when None), scoring each
    task as it is read (AgencyInputs.tally); `keep_tasks` keeps the TaskInputs as well."""
    metas = task_metas(directive)
    scorer = Scorer(issued_at=schedule.issued_at, now=now, settings=clock_settings())
    scope = {} if agency_ids is None else {"agency_id__in": agency_ids}
    # Overdue KEV entries are those due before today: "yesterday" is one more cut-off.
    yesterday = local_date(now, schedule.tz) - timedelta(days=1)

    agencies: dict[int, AgencyInputs] = {}
    # What a row needs of its task and extension, worked out once per distinct pair (a few
    # dozen): its window (task_window) and the task's meta.
    plans: dict[tuple[int, date | None], tuple[datetime, datetime, TaskMeta]] = {}
    changes: list[DerivedChange] = []
    kev_rows: list[TaskRow] = []
    manual = Task.Measure.MANUAL

    def plan_of(task_id: int, ext: date | None) -> tuple[datetime, datetime, TaskMeta]:
        meta = metas[task_id]
        plan = plans[(task_id, ext)] = (*task_window(ext, meta, schedule), meta)
        return plan

    def add(row: TaskRow, meta: TaskMeta, progress: DerivedProgress) -> None:
        status, percent, done_at = derived_status(row, progress, issued_at=schedule.issued_at)
        if (status, percent, done_at) != (row.status, row.percent, row.completed_at):
            changes.append(DerivedChange(row, status, percent, done_at))
        start, due, _ = plans[(meta.id, row.extended_due)]
        agencies[row.agency_id].add(
            (row.id, meta.weight, status, percent, start, due, done_at, row.na_accepted),
            meta.milestone_id,
        )

    def read_tasks() -> dict[tuple[int, str], list[tuple[datetime, int]]]:
        """Read and score every task; returns the coverage deployments read on the way."""
        coverage = _coverage(metas, scope)
        # One pass over every AgencyTask (~13,500 for the fleet): the hot loop of a
        # recompute, so it works on plain tuples and builds a TaskRow only for the derived
        # tasks. The KEV tasks wait for the KEV counts.
        stamp = _epoch_loader()
        for row_values in _task_values(list(metas), scope):
            id_, agency_id, task_id, status, percent, done, ext, na_accepted, version, endpoints = (
                row_values
            )
            agency = agencies.get(agency_id)
            if agency is None:
                agency = agencies[agency_id] = AgencyInputs(
                    agency_id=agency_id,
                    endpoints=endpoints,
                    tally=scorer.tally(agency_id),
                    tasks=[] if keep_tasks else None,
                )
            start, due, meta = plans.get((task_id, ext)) or plan_of(task_id, ext)
            done_at = None if done is None else stamp(done)
            if meta.measure == manual:
                agency.add(
                    (id_, meta.weight, status, percent, start, due, done_at, na_accepted),
                    meta.milestone_id,
                )
                continue
            row = TaskRow(id_, agency_id, task_id, status, percent, done_at, ext, na_accepted,
                          version)  # fmt: skip
            if meta.measure == Task.Measure.KEV_REMEDIATION:
                kev_rows.append(row)  # scored once the KEV counts are in
            else:
                add(row, meta, _coverage_progress(row, meta, agency, coverage))
        return coverage

    cutoffs = sorted({*kev_cutoff_dates(directive, metas, schedule, scope), yesterday})
    # The one heavy query is the KEV scan (a pass over every remediation record). For the
    # whole fleet the tasks are read and scored on a second connection, in a worker thread,
    # while this connection runs the scan.
    tasks_read = _aside(read_tasks, parallel=agency_ids is None)
    kev_counts, due = _kev_counts(cutoffs, scope)
    coverage = tasks_read()
    cutoff_of = {  # once per distinct (task, extension)
        (task_id, ext): kev_cutoff(ext, meta, schedule)
        for (task_id, ext), (_, _, meta) in plans.items()
        if meta.measure == Task.Measure.KEV_REMEDIATION
    }
    progress_of = {
        row.id: _kev_task_progress(row, cutoff_of[(row.task_id, row.extended_due)], kev_counts, due)
        for row in kev_rows
    }
    times = _kev_completion_times(
        {
            (row.agency_id, cutoff)
            for row in kev_rows
            for progress, cutoff in [progress_of[row.id]]
            if progress.done and not _done_before(row)
        }
    )
    for row in kev_rows:
        progress, cutoff = progress_of[row.id]
        if progress.done:
            progress = replace(progress, completed_at=times.get((row.agency_id, cutoff)))
        add(row, metas[row.task_id], progress)
    overdue = due[yesterday]  # entries due before today
    for agency in agencies.values():
        covered = sum(n for _, n in coverage.get((agency.agency_id, COVERAGE_KPI_CATEGORY), []))
        agency.ai_coverage = min(1.0, covered / agency.endpoints) if agency.endpoints else None
        counts = kev_counts.get(agency.agency_id, {})
        agency.kev_overdue = (
            overdue - counts.get(f"closed{overdue}", 0) - counts.get(f"na{overdue}", 0)
        )
    return Gathered(agencies=agencies, changes=changes)


class _CountRows(Aggregate):
    """COUNT(*) FILTER (WHERE …), which Django's Count refuses to write (it would be wrong
    where FILTER must be emulated with CASE)."""

    function = "COUNT"
    output_field = IntegerField()
    empty_result_set_value = 0

    def __init__(self, *, filter: Q) -> None:
        super().__init__(Star(), filter=filter)


def _count_rows(condition: Q) -> Aggregate:
    """Rows matching `condition`. On PostgreSQL COUNT(*): counting rows reads no column,
    and over the fleet's 837,000 remediation records that makes the scan ~40 % cheaper
    than COUNT(id)."""
    if connection.vendor == "postgresql":
        return _CountRows(filter=condition)
    return Count("id", filter=condition)


class _Epoch(Func):
    """Seconds since 1970 as a float: PostgreSQL sends it as a number, which loads ~10x
    faster than a timestamptz string parsed in Python (thousands of them a recompute)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


def _task_values(task_ids, scope: dict) -> list[tuple]:
    """Every AgencyTask of the given tasks as plain tuples, in one query and no set order:
    (id, agency, task, status, percent, completed at, extension, N/A accepted, version,
    the agency's endpoints)."""
    qs = (
        AgencyTask.objects.filter(task_id__in=task_ids, **scope)
        .order_by()
        .annotate(na=ExpressionWrapper(Q(na_accepted_at__isnull=False), BooleanField()))
    )
    names = ("id", "agency_id", "task_id", "status", "percent", "completed_at", "extended_due",
             "na", "version", "agency__endpoint_count")  # fmt: skip
    return _plain_rows(qs, names, times=("completed_at",))


def _plain_rows(qs, names: tuple[str, ...], *, times: tuple[str, ...]) -> list[tuple]:
    """`qs.values_list(*names)` as the driver's tuples (see fetch_tuples). The `times` among
    the names come as `_epoch_loader()` takes them: on PostgreSQL as seconds since 1970."""
    if connection.vendor != "postgresql":
        return list(qs.values_list(*names))
    epochs = {name: f"{name}_epoch" for name in times}
    qs = qs.annotate(**{alias: _Epoch(name) for name, alias in epochs.items()})
    return fetch_tuples(qs.values_list(*(epochs.get(name, name) for name in names)))


def _epoch_loader() -> Callable[[object], datetime]:
    """How the times read here become aware datetimes: seconds since 1970 on PostgreSQL
    (see _Epoch), datetimes already elsewhere."""
    if connection.vendor != "postgresql":
        return lambda value: value
    return functools.partial(datetime.fromtimestamp, tz=UTC)


def _aside(job: Callable[[], T], *, parallel: bool) -> Callable[[], T]:
    """Start `job` on a worker thread (its own database connection) and return a function
    that waits for its result. Inside a transaction the job runs here instead: another
    connection could not see the transaction's uncommitted rows (tests run that way)."""
    if not parallel or connection.in_atomic_block:
        result = job()
        return lambda: result

    def run() -> T:
        try:
            return job()
        finally:
            connection.close()  # the worker thread's own connection

    future = _POOL.submit(run)
    return future.result


_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness-tasks")


def _coverage(metas, scope) -> dict[tuple[int, str], list[tuple[datetime, int]]]:
    categories = {m.coverage_category for m in metas.values() if m.coverage_category}
    categories.add(COVERAGE_KPI_CATEGORY)
    deployments = (
        ToolDeployment.objects.counting_toward_coverage()
        .filter(tool__category__in=categories, **scope)
        .order_by()
    )
    rows = _plain_rows(
        deployments,
        ("agency_id", "tool__category", "operational_since", "endpoints_covered"),
        times=("operational_since",),
    )
    stamp = _epoch_loader()
    coverage: dict[tuple[int, str], list[tuple[datetime, int]]] = defaultdict(list)
    for agency_id, category, since, endpoints in rows:
        coverage[(agency_id, category)].append((stamp(since), endpoints))
    return coverage


def kev_cutoff(extended_due: date | None, meta: TaskMeta, schedule: Schedule) -> date:
    """[R12] A KEV task's scope: entries due on or before its effective due's local date."""
    return local_date(due_of(extended_due, meta, schedule), schedule.tz)


def kev_cutoff_dates(directive, metas, schedule, scope) -> list[date]:
    """The distinct cut-off dates of the KEV tasks: their milestones' dates and the dates of
    any approved extensions (a handful, whatever the fleet's size)."""
    kev_tasks = {m.id: m for m in metas.values() if m.measure == Task.Measure.KEV_REMEDIATION}
    if not kev_tasks:
        return []
    extensions = (
        AgencyTask.objects.filter(task_id__in=kev_tasks, extended_due__isnull=False, **scope)
        .order_by()  # the default ordering would join and sort by agency name
        .values_list("task_id", "extended_due")
        .distinct()
    )
    return sorted(
        {kev_cutoff(None, meta, schedule) for meta in kev_tasks.values()}
        | {kev_cutoff(ext, kev_tasks[task_id], schedule) for task_id, ext in extensions}
    )


def _kev_counts(cutoffs: list[date], scope) -> tuple[dict, dict[date, int]]:
    """Remediation counts per agency for every KEV scope, in one conditional-aggregation
    scan over the remediation records; and how many catalog entries each cut-off includes.

    Cut-off dates that include the same catalog entries are one scope (the catalog's due
    dates lie mostly in the past, so the directive's milestone dates usually share one), and
    a scope holding the whole catalog needs no due-date test, so no join, at all."""
    dates = list(Vulnerability.objects.order_by("due_date").values_list("due_date", flat=True))
    due = {cutoff: bisect.bisect_right(dates, cutoff) for cutoff in cutoffs}
    scopes: dict[int, date] = {}  # entries in scope -> one cut-off with that scope
    for cutoff in cutoffs:
        scopes.setdefault(due[cutoff], cutoff)
    aggregates = {}
    for n, cutoff in scopes.items():
        if n == 0:
            continue  # nothing in scope: every count is 0
        in_scope = Q() if n == len(dates) else Q(vulnerability__due_date__lte=cutoff)
        aggregates[f"closed{n}"] = _count_rows(in_scope & Q(status__in=Remediation.CLOSED_STATUSES))
        aggregates[f"na{n}"] = _count_rows(in_scope & Q(status=Remediation.Status.NOT_AFFECTED))
    counts = {}
    if aggregates:
        counts = {
            row.pop("agency_id"): row
            for row in Remediation.objects.filter(**scope)
            .values("agency_id")
            .annotate(**aggregates)
            .order_by()
        }
    return counts, due


def _kev_completion_times(wanted: set[tuple[int, date]]) -> dict[tuple[int, date], datetime]:
    """When each (agency, cut-off) reached 100 %: the latest change to an in-scope record.
    Asked only for KEV tasks that have just become done, so it is usually skipped."""
    if not wanted:
        return {}
    cutoffs = sorted({c for _, c in wanted})
    assessed = Q(status__in=Remediation.SETTLED_STATUSES)
    rows = (
        Remediation.objects.filter(agency_id__in={a for a, _ in wanted})
        .values("agency_id")
        .annotate(
            **{
                f"last{i}": Max("updated_at", filter=assessed & Q(vulnerability__due_date__lte=c))
                for i, c in enumerate(cutoffs)
            }
        )
    )
    return {
        (row["agency_id"], c): row[f"last{i}"]
        for row in rows
        for i, c in enumerate(cutoffs)
        if (row["agency_id"], c) in wanted and row[f"last{i}"] is not None
    }


def _coverage_progress(row, meta, agency, coverage) -> DerivedProgress:
    """[R11] progress of a tool-coverage task."""
    return tool_coverage_progress(
        endpoints=agency.endpoints,
        target=meta.coverage_target,
        deployments=coverage.get((row.agency_id, meta.coverage_category), []),
    )


def _kev_task_progress(row, cutoff, kev_counts, due):
    """[R12] progress of a KEV task whose scope ends at `cutoff`, and that cut-off."""
    n = due[cutoff]
    counts = kev_counts.get(row.agency_id, {})
    return kev_progress(
        due_in_scope=n,
        not_affected=counts.get(f"na{n}", 0),
        remediated=counts.get(f"closed{n}", 0),
        last_change=None,  # filled in by _kev_completion_times when it matters
    ), cutoff
