"""Reads of oversight's review queues (STYLE rules 2 and 3).

The queues name every agency and exist to be worked through, so they are oversight's alone:
every selector here starts with `review_access`, which answers everyone else with the same
404 as a page that does not exist (a CISO must not learn what other agencies submitted;
leadership changes nothing, and a work list it cannot act on would only mislead). Views
never check roles themselves.

Querysets come with their relations and evidence already loaded, so a queue page costs the
same handful of queries for 50 agencies as for 500 (tests/review/test_query_counts.py)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.permissions import can_review
from apps.audit.models import AuditEvent
from apps.directives.models import Directive, Task
from apps.directives.selectors import Schedule
from apps.readiness.clock import local_date
from apps.readiness.models import AgencyReadiness
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from apps.tracking.selectors import TaskLine, task_lines

S = AgencyTask.Status

# What puts a record in a queue: completed work waits for verification; a not-applicable
# claim waits until oversight accepts it (a rejection moves the task out of the status); an
# extension request waits while pending. Each rule twice, side by side: as a filter for the
# queries and as a predicate for a record in hand (is it still waiting?).
AWAITING_VERIFICATION = Q(status=S.COMPLETED)
AWAITING_NA_DECISION = Q(status=S.NOT_APPLICABLE, na_accepted_at__isnull=True)
EXTENSION_PENDING = Q(status=ExtensionRequest.Status.PENDING)


def awaits_verification(agency_task: AgencyTask) -> bool:
    """`AWAITING_VERIFICATION` of one task."""
    return agency_task.status == S.COMPLETED


def awaits_na_decision(agency_task: AgencyTask) -> bool:
    """`AWAITING_NA_DECISION` of one task."""
    return agency_task.status == S.NOT_APPLICABLE and agency_task.na_accepted_at is None


def extension_pending(extension: ExtensionRequest) -> bool:
    """`EXTENSION_PENDING` of one request."""
    return extension.status == ExtensionRequest.Status.PENDING


def review_access(*, user: User) -> None:
    """Oversight only (DESIGN: oversight verifies, decides extensions, reads the audit log);
    anyone else gets a 404, the answer for a page that does not exist."""
    if not can_review(user=user):
        raise Http404("No such page.")


@dataclass(frozen=True)
class QueueFilters:
    """Narrow a queue to one agency, one department's agencies, or one task of the
    directive; None leaves that dimension open."""

    agency: int | None = None
    department: int | None = None
    task: int | None = None

    @property
    def active(self) -> bool:
        return any((self.agency, self.department, self.task))


def _narrowed(qs: QuerySet, filters: QueueFilters, path: str = "") -> QuerySet:
    """Apply the filters to a queryset of AgencyTask (`path` = "") or of a model that
    reaches it through `path` (e.g. "agency_task__")."""
    if filters.agency:
        qs = qs.filter(**{f"{path}agency_id": filters.agency})
    if filters.department:
        # A department's own id matches too, like the fleet dashboard's department filter.
        qs = qs.filter(
            Q(**{f"{path}agency__parent_id": filters.department})
            | Q(**{f"{path}agency_id": filters.department})
        )
    if filters.task:
        qs = qs.filter(**{f"{path}task_id": filters.task})
    return qs


def _evidence() -> Prefetch:
    """A task's evidence, oldest first (the order it was submitted in), with who added it:
    one query for the whole page of tasks."""
    return Prefetch(
        "evidence",
        queryset=Evidence.objects.select_related("uploaded_by").order_by("created_at", "pk"),
    )


def _agency_tasks(*, directive: Directive) -> QuerySet[AgencyTask]:
    return AgencyTask.objects.filter(task__directive=directive).select_related(
        "agency__parent", "task__milestone", "verified_by", "na_accepted_by"
    )


def verification_queue(
    *, user: User, directive: Directive, filters: QueueFilters
) -> QuerySet[AgencyTask]:
    """Completed tasks awaiting verification, across every agency, oldest completion first
    (the longest-waiting agency is answered first), with their evidence."""
    review_access(user=user)
    return (
        _narrowed(_agency_tasks(directive=directive), filters)
        .filter(AWAITING_VERIFICATION)
        .prefetch_related(_evidence())
        .order_by("completed_at", "pk")
    )


def _with_claim_time(qs: QuerySet[AgencyTask]) -> QuerySet[AgencyTask]:
    """Annotate `claimed_at`: the task keeps no claim date, so it is the last audit event
    that set the justification (entering not-applicable, or rewording the claim, which makes
    it a new claim); rows set up without the services fall back to the last change."""
    claimed = (
        AuditEvent.objects.filter(
            object_type=AgencyTask._meta.model_name,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            changes__has_key="na_justification",
        )
        .order_by("-occurred_at", "-pk")
        .values("occurred_at")[:1]
    )
    return qs.annotate(claimed_at=Coalesce(Subquery(claimed), F("updated_at")))


def na_claim_queue(
    *, user: User, directive: Directive, filters: QueueFilters
) -> QuerySet[AgencyTask]:
    """Not-applicable claims awaiting oversight, oldest claim first, with the evidence."""
    review_access(user=user)
    return (
        _with_claim_time(_narrowed(_agency_tasks(directive=directive), filters))
        .filter(AWAITING_NA_DECISION)
        .prefetch_related(_evidence())
        .order_by("claimed_at", "pk")
    )


def extension_queue(
    *, user: User, directive: Directive, filters: QueueFilters
) -> QuerySet[ExtensionRequest]:
    """Pending extension requests, oldest first, with their task, agency and requester."""
    review_access(user=user)
    qs = ExtensionRequest.objects.filter(EXTENSION_PENDING, agency_task__task__directive=directive)
    return (
        _narrowed(qs, filters, "agency_task__")
        .select_related(
            "agency_task__agency__parent", "agency_task__task__milestone", "requested_by"
        )
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class QueueCounts:
    verification: int
    not_applicable: int
    extensions: int


def queue_counts(*, user: User, directive: Directive) -> QueueCounts:
    """How many items wait in each queue, whatever the filters (one query)."""
    review_access(user=user)
    pending = ExtensionRequest.objects.filter(EXTENSION_PENDING, agency_task=OuterRef("pk"))
    # At most one pending request per task (extension_one_pending): counting tasks with
    # one counts the requests.
    totals = AgencyTask.objects.filter(task__directive=directive).aggregate(
        verification=Count("pk", filter=AWAITING_VERIFICATION),
        not_applicable=Count("pk", filter=AWAITING_NA_DECISION),
        extensions=Count("pk", filter=Q(Exists(pending))),
    )
    return QueueCounts(**totals)


def agency_task_for_review(*, user: User, directive: Directive, pk: int) -> AgencyTask:
    """One task of the current directive, for oversight to decide on; 404 for anyone else
    and for a task of another directive (its milestones are not on the current clock)."""
    review_access(user=user)
    try:
        return (
            _with_claim_time(_agency_tasks(directive=directive))
            .select_related("task__directive")
            .prefetch_related(_evidence())
            .get(pk=pk)
        )
    except AgencyTask.DoesNotExist as exc:
        raise Http404("No such task.") from exc


def extension_for_review(*, user: User, directive: Directive, pk: int) -> ExtensionRequest:
    """One extension request of the current directive (pending or not, so a decision made
    meanwhile can be shown); 404 for anyone but oversight."""
    review_access(user=user)
    try:
        return ExtensionRequest.objects.select_related(
            "agency_task__agency__parent",
            "agency_task__task__milestone",
            "requested_by",
            "decided_by",
        ).get(pk=pk, agency_task__task__directive=directive)
    except ExtensionRequest.DoesNotExist as exc:
        raise Http404("No such extension request.") from exc


@dataclass(frozen=True)
class ExtensionItem:
    """A request beside its task as it stands: the current effective due [R3] and clock
    state, and how many days the request would add to that due."""

    extension: ExtensionRequest
    line: TaskLine
    days_added: int


def extension_items(
    *, extensions: list[ExtensionRequest], schedule: Schedule, now: datetime
) -> list[ExtensionItem]:
    """Pure: the extensions must come with `agency_task__task` (the queue's do)."""
    lines = task_lines(agency_tasks=[e.agency_task for e in extensions], schedule=schedule, now=now)
    return [
        ExtensionItem(e, line, (e.requested_due - local_date(line.due, schedule.tz)).days)
        for e, line in zip(extensions, lines, strict=True)
    ]


def agency_figures(*, agency_id: int, directive: Directive) -> AgencyReadiness | None:
    """The agency's current figures (after an approval moved its due dates)."""
    return AgencyReadiness.objects.filter(agency_id=agency_id, directive=directive).first()


@dataclass(frozen=True)
class FilterOptions:
    departments: list[tuple[int, str]]
    agencies: list[tuple[int, str]]
    tasks: list[tuple[int, str]]


def queue_filter_options(*, directive: Directive) -> FilterOptions:
    """Choices of the queues' filters in two queries: every agency (departments apart from
    the agencies that carry tasks) and the directive's tasks in milestone order."""
    departments, agencies = [], []
    for agency in Agency.objects.order_by("name").only("pk", "name", "abbreviation", "kind"):
        group = departments if agency.kind == Agency.Kind.DEPARTMENT else agencies
        group.append((agency.pk, agency.display_name))
    tasks = [
        (pk, f"{code} · {title}")
        for pk, code, title in Task.objects.filter(directive=directive)
        .order_by("milestone__day_offset", "code")
        .values_list("pk", "code", "title")
    ]
    return FilterOptions(departments, agencies, tasks)
