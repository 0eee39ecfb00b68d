"""The agency CISO's screens: the agency page with its task board, inline (htmx) and full
task updates, evidence, extension requests and each task's history.

Views stay thin: they resolve records through the scoped selectors (404 for another
agency's), hand writes to the services, and turn the services' DomainErrors into form errors
(422), a stale read into 409 with the current values, and a read-only user's write into 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.agencies.models import Agency
from apps.agencies.permissions import require_agency_editor
from apps.agencies.selectors import agency_get_for_user
from apps.core.errors import DomainError, StaleVersion
from apps.directives.selectors import directive_clock_context
from apps.portal.views import agency_page_context
from apps.readiness.selectors import agency_standing
from apps.tracking import permissions, selectors, services
from apps.tracking.forms import (
    EvidenceFileForm,
    EvidenceLinkForm,
    ExtensionRequestForm,
    TaskFilterForm,
    TaskInlineForm,
    TaskUpdateForm,
    add_domain_error,
)
from apps.tracking.models import AgencyTask, Evidence


def _figures_context(agency: Agency, clock: dict) -> dict:
    """The agency's figures beside the fleet median, and whether its forecast is late."""
    standing = agency_standing(agency=agency, directive=clock["directive"])
    return {
        "standing": standing,
        "forecast_late": selectors.forecast_late(standing=standing, clock=clock["clock"]),
    }


# --- Agency page ----------------------------------------------------------------------------


@login_required
@require_GET
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Clock, figures beside the fleet median, and the tasks by milestone, filterable."""
    agency = agency_get_for_user(user=request.user, agency_id=agency_id)
    clock = directive_clock_context(with_schedule=True, required=True)
    filters = TaskFilterForm(request.GET or None)
    status, clock_state = filters.values()
    board = selectors.agency_board(
        agency=agency,
        directive=clock["directive"],
        schedule=clock["schedule"],
        now=clock["now"],
        status=status,
        clock=clock_state,
    )
    filters.set_counts(board.status_counts, board.clock_counts)
    context = agency_page_context(request, agency, "tasks", clock=clock)
    context |= {
        "board": board,
        "filters": filters,
        "filtered": bool(status or clock_state),
        **_figures_context(agency, clock),
    }
    return render(request, "tracking/agency_detail.html", context)


def _render_row(
    request: HttpRequest,
    agency_task: AgencyTask,
    *,
    form: TaskInlineForm | None = None,
    saved: bool = False,
    stale: StaleVersion | None = None,
    status: int = 200,
) -> HttpResponse:
    clock = directive_clock_context(with_schedule=True, required=True)
    agency = agency_task.agency
    context = {
        **agency_page_context(request, agency, "tasks", clock=clock),
        "line": selectors.task_line(
            agency_task=agency_task, schedule=clock["schedule"], now=clock["now"]
        ),
        "form": form,
        "saved": saved,
        "stale": stale,
    }
    if saved:  # the agency's figures changed too: swap them out of band
        context |= _figures_context(agency, clock)
        return render(request, "tracking/partials/_task_row_saved.html", context)
    return render(request, "tracking/partials/_task_row.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def agency_task_row(request: HttpRequest, agency_id: int, pk: int) -> HttpResponse:
    """The htmx row of the task board: shown (GET), its editor (GET ?edit=1), or saved
    (POST) together with the agency's refreshed figures."""
    agency_task = selectors.agency_task_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
    editing = request.method == "POST" or request.GET.get("edit") == "1"
    if not editing:
        return _render_row(request, agency_task)
    # The task came through the user's scope (a foreign one is already a 404); reading it
    # without the right to change it is a 403.
    require_agency_editor(user=request.user, agency_id=agency_task.agency_id)
    if request.method == "GET":
        form = TaskInlineForm(agency_task=agency_task, user=request.user)
        return _render_row(request, agency_task, form=form)
    form = TaskInlineForm(request.POST, agency_task=agency_task, user=request.user)
    if not form.is_valid():
        return _render_row(request, agency_task, form=form, status=422)
    try:
        services.agency_task_update(
            agency_task=agency_task, actor=request.user, **form.service_kwargs()
        )
    except StaleVersion as exc:
        # Show what is stored now, in a fresh editor at the current version; nothing of
        # the refused save is kept.
        current = selectors.agency_task_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
        fresh = TaskInlineForm(agency_task=current, user=request.user)
        return _render_row(request, current, form=fresh, stale=exc, status=409)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _render_row(request, agency_task, form=form, status=422)
    # Re-read: the save and the figures refresh after it may both have moved the row on.
    current = selectors.agency_task_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
    return _render_row(request, current, saved=True)


# --- Task page ------------------------------------------------------------------------------


def _render_task_page(
    request: HttpRequest, agency_task: AgencyTask, *, status: int = 200, **overrides
) -> HttpResponse:
    clock = directive_clock_context(with_schedule=True, required=True)
    agency = agency_task.agency
    user = request.user
    earliest, latest = services.extension_bounds(
        agency_task=agency_task, schedule=clock["schedule"], now=clock["now"]
    )
    context = {
        **agency_page_context(request, agency, "tasks", clock=clock),
        "agency_task": agency_task,
        "line": selectors.task_line(
            agency_task=agency_task, schedule=clock["schedule"], now=clock["now"]
        ),
        "evidence": selectors.evidence_list(agency_task=agency_task),
        "extensions": selectors.extension_request_list(agency=agency, agency_task=agency_task),
        "history": selectors.task_history(agency_task=agency_task, tz=clock["tz"]),
        "fields_editable": permissions.task_fields_editable(user=user, agency_task=agency_task),
        "can_add_evidence": permissions.can_add_evidence(user=user, agency_task=agency_task),
        "can_request_extension": permissions.can_request_extension(
            user=user, agency_task=agency_task
        ),
        "task_form": TaskUpdateForm(agency_task=agency_task, user=request.user),
        "file_form": EvidenceFileForm(),
        "link_form": EvidenceLinkForm(),
        "extension_form": ExtensionRequestForm(earliest=earliest, latest=latest),
        **overrides,
    }
    return render(request, "tracking/agency_task_detail.html", context, status=status)


def _task_url(agency_task: AgencyTask, anchor: str = "") -> str:
    url = reverse(
        "tracking:agency_task_detail",
        kwargs={"agency_id": agency_task.agency_id, "pk": agency_task.pk},
    )
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_http_methods(["GET", "POST"])
def agency_task_detail(request: HttpRequest, agency_id: int, pk: int) -> HttpResponse:
    """The task's page: guidance, the full update form, evidence, extensions, history."""
    agency_task = selectors.agency_task_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
    if request.method == "GET":
        return _render_task_page(request, agency_task)
    require_agency_editor(user=request.user, agency_id=agency_task.agency_id)
    form = TaskUpdateForm(request.POST, agency_task=agency_task, user=request.user)
    if form.is_valid():
        try:
            services.agency_task_update(
                agency_task=agency_task, actor=request.user, **form.service_kwargs()
            )
        except StaleVersion as exc:
            current = selectors.agency_task_get_for_user(
                user=request.user, agency_id=agency_id, pk=pk
            )
            return _render_task_page(
                request, current, status=409, stale=exc, attempted=form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{agency_task.task.code} saved.")
            return redirect(_task_url(agency_task))
    return _render_task_page(request, agency_task, status=422, task_form=form)


# --- Evidence -------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request: HttpRequest, agency_id: int, pk: int) -> HttpResponse:
    """Attach a file (multipart) or a link, from the task page's two evidence forms."""
    agency_task = selectors.agency_task_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
    require_agency_editor(user=request.user, agency_id=agency_task.agency_id)
    is_link = "url" in request.POST
    if is_link:
        form = EvidenceLinkForm(request.POST)
        form_key = "link_form"
    else:
        form = EvidenceFileForm(request.POST, request.FILES)
        form_key = "file_form"
    if form.is_valid():
        try:
            if is_link:
                services.evidence_link_add(
                    agency_task=agency_task, actor=request.user, **form.cleaned_data
                )
            else:
                services.evidence_file_add(
                    agency_task=agency_task,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Evidence added.")
            return redirect(_task_url(agency_task, "evidence"))
    return _render_task_page(request, agency_task, status=422, **{form_key: form})


@login_required
@require_GET
def evidence_download(request: HttpRequest, agency_id: int, pk: int) -> FileResponse:
    """Stream an evidence file to a user who may read its agency: always as an attachment,
    under its original name, never sniffed or rendered by the browser."""
    evidence = selectors.evidence_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
    if evidence.kind != Evidence.Kind.FILE:
        raise Http404("This evidence is a link, not a file.")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Extension requests ---------------------------------------------------------------------


@login_required
@require_POST
def extension_request_new(request: HttpRequest, agency_id: int, pk: int) -> HttpResponse:
    """Ask oversight for a later due date on one task."""
    agency_task = selectors.agency_task_get_for_user(user=request.user, agency_id=agency_id, pk=pk)
    require_agency_editor(user=request.user, agency_id=agency_task.agency_id)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request_create(
                agency_task=agency_task, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Extension requested. Oversight will approve or deny it.")
            return redirect(_task_url(agency_task, "extensions"))
    return _render_task_page(request, agency_task, status=422, extension_form=form)


@login_required
@require_GET
def extension_list(request: HttpRequest, agency_id: int) -> HttpResponse:
    """The agency's extension requests: pending, approved, denied, with oversight's word."""
    agency = agency_get_for_user(user=request.user, agency_id=agency_id)
    clock = directive_clock_context(with_schedule=True, required=True)
    context = agency_page_context(request, agency, "extensions", clock=clock)
    context["extensions"] = selectors.extension_request_list(agency=agency)
    return render(request, "tracking/extension_list.html", context)
