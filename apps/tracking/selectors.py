"""Reads of the tracking app, scoped to the user (STYLE rules 2 and 3).

Every view reaches an agency's tasks, evidence and extension requests through the
`*_get_for_user` functions here: a record of another agency answers the same 404 as a
missing one. Querysets come with their relations already selected, so callers never add
queries per row.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.template.defaultfilters import filesizeformat

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.audit.models import AuditEvent
from apps.directives.models import Directive, Milestone
from apps.directives.selectors import Schedule
from apps.readiness.inputs import clock_settings
from apps.readiness.scoring import CLOCK_STATE_LABELS, ClockState, clock_state
from apps.readiness.selectors import AgencyStanding, agency_standing, task_inputs
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
    """Agency tasks the user may read: every agency's for oversight and leadership, their
    own agency's for a CISO, none otherwise."""
    qs = _with_board_facts(
        AgencyTask.objects.select_related(
            "agency__parent", "task__milestone", "task__directive", "verified_by", "na_accepted_by"
        )
    )
    if not user.is_authenticated:
        return qs.none()
    if user.sees_all_agencies:
        return qs
    if user.is_ciso:
        return qs.filter(agency_id=user.agency_id)
    return qs.none()


def agency_task_get_for_user(*, user: User, agency_id: int, pk: int) -> AgencyTask:
    """One task of `agency_id` the user may read; 404 for a foreign, missing or mismatched
    one (a task id under another agency's URL is missing too)."""
    try:
        return agency_task_list_for_user(user=user).get(pk=pk, agency_id=agency_id)
    except AgencyTask.DoesNotExist as exc:
        raise Http404("No such task.") from exc


def evidence_get_for_user(*, user: User, agency_id: int, pk: int) -> Evidence:
    """One evidence record of `agency_id` the user may read; 404 otherwise."""
    tasks = agency_task_list_for_user(user=user).filter(agency_id=agency_id)
    try:
        return Evidence.objects.select_related("agency_task__task").get(
            pk=pk, agency_task__in=tasks.values("pk")
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


def agency_standing_get(*, agency: Agency, directive: Directive) -> AgencyStanding:
    """The agency's current figures beside the fleet median (the readiness app's
    `agency_standing`)."""
    return agency_standing(agency=agency, directive=directive)


# --- History ------------------------------------------------------------------------------

_MODELS = {"agencytask": AgencyTask, "evidence": Evidence, "extensionrequest": ExtensionRequest}
_FIELD_LABELS = {
    "percent": "Percent complete",
    "extended_due": "Extended due date",
    "requested_due": "Requested due date",
    "sha256": "SHA-256",
    "url": "Link",
    "na_justification": "Not-applicable justification",
    "na_accepted_at": "Not applicable accepted at",
    "na_accepted_by": "Not applicable accepted by",
}
_CHOICE_LABELS = {
    ("agencytask", "status"): dict(AgencyTask.Status.choices),
    ("extensionrequest", "status"): dict(ExtensionRequest.Status.choices),
    ("evidence", "kind"): dict(Evidence.Kind.choices),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    subject: str
    changes: list[Change]


def _field_rank(object_type: str, name: str) -> int:
    model = _MODELS.get(object_type)
    names = [f.name for f in model._meta.fields] if model else []
    return names.index(name) if name in names else len(names)


def _field_label(object_type: str, name: str) -> str:
    if name in _FIELD_LABELS:
        return _FIELD_LABELS[name]
    model = _MODELS.get(object_type)
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except (AttributeError, LookupError):
        return name.replace("_", " ").capitalize()


def _display(object_type: str, name: str, value, users: dict, tz) -> str:
    if value in (None, ""):
        return "—"
    if (object_type, name) in _CHOICE_LABELS:
        return _CHOICE_LABELS[(object_type, name)].get(value, str(value))
    if name.endswith("_by"):
        return users.get(str(value), f"user {value}")
    if name == "size":
        return filesizeformat(value)
    if name == "percent":
        return f"{value}%"
    if isinstance(value, str) and name.endswith(("_at", "_due")):
        return _display_time(value, tz)
    return str(value)


def _display_time(value: str, tz) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:  # a date
        return f"{moment:%b} {moment.day}, {moment.year}"
    local = moment.astimezone(tz)
    return f"{local:%b} {local.day}, {local.year}, {local:%I:%M %p}".replace(" 0", " ")


def history_entries(*, agency_task: AgencyTask, tz=None) -> list[HistoryEntry]:
    """The task's audit events ready to show: each changed field's label, before → after,
    with statuses by label and people by name (one query for the people named)."""
    events = list(agency_task_history(agency_task=agency_task))
    user_ids = {
        str(v)
        for e in events
        for name, pair in e.changes.items()
        if name.endswith("_by")
        for v in pair
        if v
    }
    users = (
        {
            str(u.pk): u.get_full_name() or u.username
            for u in User.objects.filter(pk__in=user_ids).only(
                "pk", "username", "first_name", "last_name"
            )
        }
        if user_ids
        else {}
    )
    subjects = {"agencytask": "Task", "evidence": "Evidence", "extensionrequest": "Extension"}
    entries = []
    for e in events:
        changes = [
            Change(
                _field_label(e.object_type, name),
                _display(e.object_type, name, pair[0], users, tz),
                _display(e.object_type, name, pair[1], users, tz),
            )
            # JSON columns do not keep key order: show fields in the model's order.
            for name, pair in sorted(
                e.changes.items(), key=lambda c: _field_rank(e.object_type, c[0])
            )
        ]
        entries.append(HistoryEntry(e, subjects.get(e.object_type, e.object_type), changes))
    return entries
