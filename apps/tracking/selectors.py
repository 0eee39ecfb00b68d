"""Reads of the tracking app, scoped to the user (STYLE rules 2 and 3).

Every view reaches an agency's tasks, evidence and extension requests through the
`*_get_for_user` functions here: a record of another agency answers the same 404 as a
missing one. Querysets come with their relations already selected, so callers never add
queries per row.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.selectors import agency_list_for_user
from apps.audit.models import AuditEvent
from apps.audit.selectors import AuditRow, audit_rows
from apps.directives.models import Directive, Milestone
from apps.directives.selectors import Schedule
from apps.readiness.clock import DirectiveClock
from apps.readiness.inputs import clock_settings
from apps.readiness.scoring import CLOCK_STATE_LABELS, ClockState, clock_state
from apps.readiness.selectors import AgencyStanding, task_inputs
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest

S = AgencyTask.Status


def _with_board_facts(qs: QuerySet[AgencyTask]) -> QuerySet[AgencyTask]:
    """How much evidence a task has and whether an extension is pending (the row shows
    both)."""
    pending = ExtensionRequest.objects.filter(
        agency_task=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
    )
    return qs.annotate(evidence_count=Count("evidence"), has_pending_extension=Exists(pending))


def agency_task_list_for_user(*, user: User) -> QuerySet[AgencyTask]:
    """Agency tasks the user may read: those of the agencies they may read
    (`agency_list_for_user`, a sub-select of the same query)."""
    return _with_board_facts(
        AgencyTask.objects.filter(agency__in=agency_list_for_user(user=user)).select_related(
            "agency__parent", "task__milestone", "task__directive", "verified_by", "na_accepted_by"
        )
    )


def agency_task_get_for_user(*, user: User, agency_id: int, pk: int) -> AgencyTask:
    """One task of `agency_id` the user may read; 404 for a foreign, missing or mismatched
    one (a task id under another agency's URL is missing too)."""
    try:
        return agency_task_list_for_user(user=user).get(pk=pk, agency_id=agency_id)
    except AgencyTask.DoesNotExist as exc:
        raise Http404("No such task.") from exc


def evidence_get_for_user(*, user: User, agency_id: int, pk: int) -> Evidence:
    """One evidence record of `agency_id` the user may read; 404 otherwise."""
    try:
        return Evidence.objects.select_related("agency_task__task").get(
            pk=pk,
            agency_task__agency_id=agency_id,
            agency_task__agency__in=agency_list_for_user(user=user),
        )
    except Evidence.DoesNotExist as exc:
        raise Http404("No such evidence.") from exc


def agency_task_list(*, agency: Agency, directive: Directive) -> QuerySet[AgencyTask]:
    """The agency's tasks of a directive, in milestone and code order, with their task and
    milestone, how much evidence each has, and whether an extension is pending."""
    return _with_board_facts(
        AgencyTask.objects.filter(agency=agency, task__directive=directive)
        .select_related("task__milestone", "task__directive", "agency__parent")
        .order_by("task__milestone__day_offset", "task__code")
    )


def evidence_list(*, agency_task: AgencyTask) -> QuerySet[Evidence]:
    """A task's evidence, newest first, with who added it."""
    return Evidence.objects.filter(agency_task=agency_task).select_related("uploaded_by")


def extension_request_list(
    *, agency: Agency, agency_task: AgencyTask | None = None
) -> QuerySet[ExtensionRequest]:
    """An agency's extension requests (or one task's), newest first, with the task, the
    requester and the decider."""
    qs = ExtensionRequest.objects.filter(agency_task__agency=agency)
    if agency_task is not None:
        qs = qs.filter(agency_task=agency_task)
    return qs.select_related("agency_task__task__milestone", "requested_by", "decided_by").order_by(
        "-created_at", "-pk"
    )


def agency_task_history(*, agency_task: AgencyTask) -> QuerySet[AuditEvent]:
    """Every audit event of a task, its evidence and its extension requests, newest first.
    One query: the child ids are sub-selects (audit object ids are strings)."""

    def ids(qs: QuerySet) -> QuerySet:
        return qs.annotate(sid=Cast("pk", CharField())).values("sid")

    return (
        AuditEvent.objects.filter(agency_id=agency_task.agency_id)
        .filter(
            Q(object_type="agencytask", object_id=str(agency_task.pk))
            | Q(object_type="evidence", object_id__in=ids(agency_task.evidence.all()))
            | Q(
                object_type="extensionrequest",
                object_id__in=ids(agency_task.extension_requests.all()),
            )
        )
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )


# --- The agency board: tasks with their clock ----------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    """One agency task as the screens show it: the row, its effective due [R3] and its
    clock state [R9] at the moment the page was built."""

    agency_task: AgencyTask
    due: datetime
    clock_state: str

    @property
    def clock_label(self) -> str:
        return CLOCK_STATE_LABELS[self.clock_state]


@dataclass
class MilestoneGroup:
    milestone: Milestone
    due: datetime
    lines: list[TaskLine] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    """An agency's tasks grouped by milestone, after the filters, with the counts of every
    status and clock state before them (for the filter labels)."""

    groups: list[MilestoneGroup]
    status_counts: dict[str, int]
    clock_counts: dict[str, int]
    shown: int
    total: int


def task_lines(
    *, agency_tasks: list[AgencyTask], schedule: Schedule, now: datetime
) -> list[TaskLine]:
    """Effective due and clock state of each task, from the readiness rules (no database
    access: the tasks must come with their `task`)."""
    inputs = task_inputs(agency_tasks=agency_tasks, schedule=schedule)
    settings_ = clock_settings()
    return [
        TaskLine(agency_task=at, due=ti.due, clock_state=clock_state(ti, now, settings_))
        for at, ti in zip(agency_tasks, inputs, strict=True)
    ]


def agency_board(
    *,
    agency: Agency,
    directive: Directive,
    schedule: Schedule,
    now: datetime,
    status: str = "",
    clock: str = "",
) -> Board:
    """The agency page's task list: every task of the directive, filtered by status and
    clock state (empty: all), grouped by milestone in day order."""
    rows = list(agency_task_list(agency=agency, directive=directive))
    lines = task_lines(agency_tasks=rows, schedule=schedule, now=now)
    status_counts = Counter(line.agency_task.status for line in lines)
    clock_counts = Counter(line.clock_state for line in lines)
    groups: dict[int, MilestoneGroup] = {}
    shown = 0
    for line in lines:
        if status and line.agency_task.status != status:
            continue
        if clock and line.clock_state != clock:
            continue
        milestone = line.agency_task.task.milestone
        if milestone.pk not in groups:
            groups[milestone.pk] = MilestoneGroup(milestone, schedule.windows[milestone.pk][1])
        groups[milestone.pk].lines.append(line)
        shown += 1
    return Board(
        groups=sorted(groups.values(), key=lambda g: g.milestone.day_offset),
        status_counts={s: status_counts.get(s, 0) for s in S.values},
        clock_counts={c: clock_counts.get(c, 0) for c in ClockState.ALL},
        shown=shown,
        total=len(lines),
    )


def task_line(*, agency_task: AgencyTask, schedule: Schedule, now: datetime) -> TaskLine:
    """`task_lines` for one task (the inline row and the task page)."""
    return task_lines(agency_tasks=[agency_task], schedule=schedule, now=now)[0]


# --- Figures ------------------------------------------------------------------------------


def forecast_late(*, standing: AgencyStanding, clock: DirectiveClock) -> bool:
    """True if the agency's forecast completion [R8] falls after the directive's deadline
    (no forecast yet is not late: the figures say there is too little progress)."""
    forecast = standing.figures.forecast_at if standing.figures else None
    return forecast is not None and forecast > clock.deadline


# --- History ------------------------------------------------------------------------------


def task_history(*, agency_task: AgencyTask, tz: ZoneInfo) -> list[AuditRow]:
    """The task's audit events (its own, its evidence's and its extension requests'),
    newest first, ready to show: the audit log's rows (`apps.audit.selectors.audit_rows`)
    in the directive's zone `tz`."""
    return audit_rows(events=list(agency_task_history(agency_task=agency_task)), tz=tz)
