"""Oversight's review queues: completed work to verify or return, not-applicable claims to
accept or reject, extension requests to approve or deny.

Views stay thin: records come through `apps.review.selectors` (404 to anyone but oversight),
decisions go to the tracking services, and the services' refusals become form errors (422),
a decision someone else made first 409 with the current state. With htmx a decision answers
with its row and the refreshed queue counts (out of band); without JavaScript it redirects
back to the queue, or shows the refused row above it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import DomainError, StaleVersion
from apps.directives.selectors import directive_clock_context
from apps.readiness.models import AgencyReadiness
from apps.review import selectors
from apps.review.forms import ExtensionDecisionForm, QueueFilterForm, TaskDecisionForm
from apps.tracking import services
from apps.tracking.forms import add_domain_error
from apps.tracking.models import AgencyTask, ExtensionRequest
from apps.tracking.selectors import task_line, task_lines

PAGE_SIZE = 20


@dataclass(frozen=True)
class Queue:
    """One of the three work lists and how its rows are read and shown."""

    key: str
    title: str
    url_name: str
    template: str
    row_template: str
    select: Callable
    items: Callable[..., list]
    form: Callable[[object], forms.Form]
    record: Callable[[object], object]  # the item's AgencyTask or ExtensionRequest
    holds: Callable[[object], bool]  # is the record still waiting in this queue?


def _task_items(records: list[AgencyTask], schedule, now: datetime) -> list:
    return task_lines(agency_tasks=records, schedule=schedule, now=now)


def _extension_items(records: list[ExtensionRequest], schedule, now: datetime) -> list:
    return selectors.extension_items(extensions=records, schedule=schedule, now=now)


def _task_queue(**queue) -> Queue:
    """A queue of agency tasks: its rows are task lines, decided with a TaskDecisionForm."""
    return Queue(
        row_template="review/partials/_task_row.html",
        items=_task_items,
        form=lambda line: TaskDecisionForm(agency_task=line.agency_task),
        record=lambda line: line.agency_task,
        **queue,
    )


VERIFICATION = _task_queue(
    key="verification",
    title="Verification queue",
    url_name="review:verification_queue",
    template="review/verification_queue.html",
    select=selectors.verification_queue,
    holds=selectors.awaits_verification,
)
NOT_APPLICABLE = _task_queue(
    key="na",
    title="Not-applicable claims",
    url_name="review:na_queue",
    template="review/na_queue.html",
    select=selectors.na_claim_queue,
    holds=selectors.awaits_na_decision,
)
EXTENSIONS = Queue(
    key="extensions",
    title="Extension requests",
    url_name="review:extension_queue",
    template="review/extension_queue.html",
    row_template="review/partials/_extension_row.html",
    select=selectors.extension_queue,
    items=_extension_items,
    form=lambda item: ExtensionDecisionForm(extension=item.extension),
    record=lambda item: item.extension,
    holds=selectors.extension_pending,
)


@dataclass
class RowState:
    """What a row shows besides its record: the decision form (with the reviewer's input
    and errors after a refusal), why a decision was not saved, or the decision just made."""

    form: forms.Form
    stale: str = ""
    outcome: str = ""
    open: bool = True
    figures: AgencyReadiness | None = None


def _query(request: HttpRequest, *, drop: tuple[str, ...] = ()) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def _queue_page(
    request: HttpRequest, queue: Queue, *, refused: tuple | None = None, status: int = 200
) -> HttpResponse:
    """A queue's page: tabs with each queue's size, filters, one page of rows; `refused`
    (item, RowState) is a decision that was not saved, shown above the list."""
    selectors.review_access(user=request.user)
    clock = directive_clock_context(with_schedule=True, required=True)
    directive = clock["directive"]
    options = selectors.queue_filter_options(directive=directive)
    filter_form = QueueFilterForm(request.GET or None, options=options)
    filters = filter_form.filters()
    records = queue.select(user=request.user, directive=directive, filters=filters)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    items = queue.items(list(page), clock["schedule"], clock["now"])
    refused_pk = queue.record(refused[0]).pk if refused else None
    rows = [
        (item, RowState(form=queue.form(item)))
        for item in items
        if queue.record(item).pk != refused_pk
    ]
    context = {
        **clock,
        "queue": queue.key,
        "page_title": queue.title,
        "row_template": queue.row_template,
        "filters": filter_form,
        "filtered": filters.active,
        "page": page,
        "rows": rows,
        "refused": refused,
        "counts": selectors.queue_counts(user=request.user, directive=directive),
        "query": _query(request),
        "filter_query": _query(request, drop=("page",)),
    }
    return render(request, queue.template, context, status=status)


@login_required
@require_GET
def verification_queue(request: HttpRequest) -> HttpResponse:
    """Completed tasks of every agency awaiting verification, oldest completion first."""
    return _queue_page(request, VERIFICATION)


@login_required
@require_GET
def na_queue(request: HttpRequest) -> HttpResponse:
    """Not-applicable claims awaiting oversight's acceptance, oldest claim first."""
    return _queue_page(request, NOT_APPLICABLE)


@login_required
@require_GET
def extension_queue(request: HttpRequest) -> HttpResponse:
    """Pending extension requests, oldest first, beside each task's current due."""
    return _queue_page(request, EXTENSIONS)


# --- Decisions ------------------------------------------------------------------------------


def _answer(
    request: HttpRequest, queue: Queue, item, state: RowState, clock: dict, *, status: int = 200
) -> HttpResponse:
    """The answer to a decision: with htmx the row (and, once saved, the queue counts and a
    spoken confirmation); without, back to the queue, or the queue with the refused row."""
    if request.htmx:
        context = {
            **clock,
            "queue": queue.key,
            "item": item,
            "state": state,
            "query": _query(request),
            "filter_query": _query(request, drop=("page",)),
        }
        if state.outcome:
            context["counts"] = selectors.queue_counts(
                user=request.user, directive=clock["directive"]
            )
            context["row_template"] = queue.row_template
            context["announcement"] = _outcome_message(item, state.outcome)
            return render(request, "review/partials/_decided.html", context)
        return render(request, queue.row_template, context, status=status)
    if state.outcome:
        messages.success(request, _outcome_message(item, state.outcome))
        query = _query(request)
        return redirect(reverse(queue.url_name) + (f"?{query}" if query else ""))
    return _queue_page(request, queue, refused=(item, state), status=status)


OUTCOMES = {
    "verify": "verified",
    "return": "returned to the agency",
    "accept_na": "not-applicable claim accepted",
    "reject_na": "not-applicable claim rejected; the task is in progress again",
    "approve": "extension approved",
    "deny": "extension denied",
}


def _outcome_message(item, outcome: str) -> str:
    agency_task = getattr(item, "agency_task", None) or item.line.agency_task
    return f"{agency_task.task.code} at {agency_task.agency.display_name}: {OUTCOMES[outcome]}."


TASK_DECISIONS = {
    "verify": (services.agency_task_verify, VERIFICATION),
    "return": (services.agency_task_return, VERIFICATION),
    "accept_na": (services.agency_task_na_accept, NOT_APPLICABLE),
    "reject_na": (services.agency_task_na_reject, NOT_APPLICABLE),
}


@login_required
@require_POST
def task_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Verify or return a completed task; accept or reject a not-applicable claim."""
    service, queue = TASK_DECISIONS[decision]
    clock = directive_clock_context(with_schedule=True, required=True)

    def current() -> AgencyTask:
        return selectors.agency_task_for_review(
            user=request.user, directive=clock["directive"], pk=pk
        )

    def line(agency_task: AgencyTask):
        return task_line(agency_task=agency_task, schedule=clock["schedule"], now=clock["now"])

    agency_task = current()
    form = TaskDecisionForm(request.POST, agency_task=agency_task)
    if not form.is_valid():
        return _answer(request, queue, line(agency_task), RowState(form), clock, status=422)
    try:
        service(
            agency_task=agency_task,
            actor=request.user,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except StaleVersion as exc:
        # Someone saved the task since the reviewer read it: show it as it is now, with a
        # fresh form at the current version if it still waits for a decision.
        agency_task = current()
        fresh = TaskDecisionForm(
            agency_task=agency_task,
            initial={"version": agency_task.version, "comment": form.cleaned_data["comment"]},
        )
        state = RowState(
            fresh,
            stale=exc.message,
            open=queue.holds(agency_task),
        )
        return _answer(request, queue, line(agency_task), state, clock, status=409)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _answer(request, queue, line(agency_task), RowState(form), clock, status=422)
    decided = current()
    return _answer(request, queue, line(decided), RowState(form, outcome=decision), clock)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve (comment optional) or deny (comment required) a pending extension request.
    An approval moves the task's effective due; the service refreshes the agency's figures
    as soon as it commits, so the answer shows them."""
    clock = directive_clock_context(with_schedule=True, required=True)

    def current() -> ExtensionRequest:
        return selectors.extension_for_review(
            user=request.user, directive=clock["directive"], pk=pk
        )

    def item(extension: ExtensionRequest):
        return selectors.extension_items(
            extensions=[extension], schedule=clock["schedule"], now=clock["now"]
        )[0]

    extension = current()
    form = ExtensionDecisionForm(request.POST, extension=extension)
    if not form.is_valid():
        return _answer(request, EXTENSIONS, item(extension), RowState(form), clock, status=422)
    try:
        services.extension_request_decide(
            extension=extension,
            actor=request.user,
            approve=decision == "approve",
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        extension = current()
        if EXTENSIONS.holds(extension):
            add_domain_error(form, exc)
            return _answer(request, EXTENSIONS, item(extension), RowState(form), clock, status=422)
        # Decided by someone else meanwhile: a conflict, shown with that decision.
        state = RowState(ExtensionDecisionForm(extension=extension), stale=exc.message, open=False)
        return _answer(request, EXTENSIONS, item(extension), state, clock, status=409)
    decided = current()
    figures = selectors.agency_figures(
        agency_id=decided.agency_task.agency_id, directive=clock["directive"]
    )
    state = RowState(form, outcome=decision, figures=figures)
    return _answer(request, EXTENSIONS, item(decided), state, clock)
