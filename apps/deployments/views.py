"""Tool deployment pages of one agency. Access goes through the selectors (404 for another
agency, 403 for read-only roles on a write); the rules live in the services."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.agencies.models import Agency
from apps.agencies.selectors import agency_get_for_editor, agency_get_for_user
from apps.core.errors import DomainError, StaleVersion
from apps.deployments import services
from apps.deployments.forms import DeploymentForm, EndpointCountForm
from apps.deployments.models import ToolDeployment
from apps.deployments.selectors import (
    coverage_tasks,
    defense_tool_catalog,
    deployment_coverage,
    deployment_for_agency,
    deployment_get_for_user,
    deployment_list_for_agency,
)
from apps.portal.views import agency_page_context


def _page(request: HttpRequest, agency: Agency, **context: Any) -> dict[str, Any]:
    """The agency chrome these pages share with the other agency pages, on the deployments
    tab, with this page's own `context`."""
    return {**agency_page_context(request, agency, "deployments"), **context}


def _endpoints_form(agency: Agency) -> EndpointCountForm:
    return EndpointCountForm(
        initial={"endpoint_count": agency.endpoint_count, "expected_count": agency.endpoint_count}
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def deployment_list(request: HttpRequest, agency_id: int) -> HttpResponse:
    """The agency's deployments and its coverage against each tool_coverage task."""
    agency = agency_get_for_user(user=request.user, agency_id=agency_id)
    context = _page(request, agency, heading="AI-defense tool deployments")
    deployments = list(deployment_list_for_agency(agency=agency))
    tasks = coverage_tasks(directive=context.get("directive"))
    context |= {
        "deployments": deployments,
        "coverage": deployment_coverage(agency=agency, deployments=deployments, tasks=tasks),
        "endpoints_form": _endpoints_form(agency) if context["can_edit"] else None,
    }
    return render(request, "deployments/deployment_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deployment_create(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Add a deployment of a catalog tool (the agency's CISO only)."""
    agency = agency_get_for_editor(user=request.user, agency_id=agency_id)
    tools = list(defense_tool_catalog())
    data = request.POST if request.method == "POST" else None
    form = DeploymentForm(data, tools=tools, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            deployment = services.deployment_create(
                agency=agency, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request, f"Added {deployment.tool.name} ({deployment.get_stage_display()})."
            )
            return redirect("deployments:list", agency_id=agency.pk)
    context = _page(request, agency, heading="Add a deployment", form=form, deployment=None)
    return render(
        request, "deployments/deployment_form.html", context, status=422 if form.errors else 200
    )


def _stale_summary(form: DeploymentForm, current: ToolDeployment) -> list[dict[str, str]]:
    """Each field as the user entered it beside its value as saved now, for the refused save."""
    data = form.cleaned_data

    def show(value: Any) -> str:
        if value is None or value == "":
            return "—"
        return intcomma(value) if isinstance(value, int) else str(value)

    stages = dict(ToolDeployment.Stage.choices)
    pairs = [
        ("Tool type", data["tool"].name, current.tool.name),
        ("Product or service", show(data["product_notes"]), show(current.product_notes)),
        ("Stage", stages[data["stage"]], current.get_stage_display()),
        ("Endpoints covered", show(data["endpoints_covered"]), show(current.endpoints_covered)),
        ("Go-live date", show(data["go_live_date"]), show(current.go_live_date)),
    ]
    return [
        {"label": label, "yours": yours, "saved": saved, "differs": yours != saved}
        for label, yours, saved in pairs
    ]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deployment_edit(request: HttpRequest, agency_id: int, pk: int) -> HttpResponse:
    """Change a deployment read at the version the form carries; a stale save is refused
    (409) with the saved values in the form and the user's entry beside them."""
    deployment = deployment_get_for_user(
        user=request.user, agency_id=agency_id, pk=pk, to_edit=True
    )
    agency = deployment.agency
    tools = list(defense_tool_catalog())
    initial = DeploymentForm.initial_from(deployment)
    data = request.POST if request.method == "POST" else None
    form = DeploymentForm(data, initial=initial, tools=tools, agency=agency)
    stale: list[dict[str, str]] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.deployment_update(
                deployment=deployment,
                actor=request.user,
                version=form.cleaned_data["version"] or 0,
                **form.service_kwargs(),
            )
        except StaleVersion:
            # Nothing was written: show what is saved now, with the user's entry beside it.
            deployment = deployment_for_agency(agency=agency, pk=pk)
            stale = _stale_summary(form, deployment)
            form = DeploymentForm(
                initial=DeploymentForm.initial_from(deployment), tools=tools, agency=agency
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Saved {saved.tool.name} ({saved.get_stage_display()}).")
            return redirect("deployments:list", agency_id=agency.pk)
    status = 409 if stale else 422 if form.errors else 200
    context = _page(
        request,
        agency,
        heading=f"Edit {deployment.tool.name}",
        form=form,
        deployment=deployment,
        stale=stale,
    )
    return render(request, "deployments/deployment_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agency_endpoints_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Correct the agency's endpoint count (the list page carries the same form inline)."""
    agency = agency_get_for_editor(user=request.user, agency_id=agency_id)
    form = EndpointCountForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            services.agency_endpoints_update(
                agency=agency,
                actor=request.user,
                endpoint_count=form.cleaned_data["endpoint_count"],
                expected_count=form.cleaned_data["expected_count"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            # Show the count as saved now, and take it as read: a second save is deliberate.
            agency.refresh_from_db(fields=["endpoint_count"])
            data = request.POST.copy()
            data["expected_count"] = str(agency.endpoint_count)
            form = EndpointCountForm(data)
            form.is_valid()
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request,
                f"Endpoint count set to {intcomma(form.cleaned_data['endpoint_count'])}; "
                "coverage is now measured against it.",
            )
            return redirect("deployments:list", agency_id=agency.pk)
    if form is None:
        form = _endpoints_form(agency)
    context = _page(request, agency, heading="Endpoint count", form=form)
    return render(
        request,
        "deployments/agency_endpoints_form.html",
        context,
        status=422 if form.errors else 200,
    )
