"""Report pages: list and request, status (polled by htmx while the report renders), and
the permission-checked download. Access goes through `apps.reports.selectors` (404 for a
report the user may not read); the rule lives in `apps.reports.permissions`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.agencies.models import Agency
from apps.agencies.selectors import agency_get_for_user, agency_list_for_user
from apps.core.errors import DomainError
from apps.readiness.selectors import user_sees_fleet
from apps.reports import selectors, services
from apps.reports.forms import ReportRequestForm
from apps.reports.models import Report

PAGE_SIZE = 25


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user may read, newest first, and the buttons to request one."""
    page = Paginator(selectors.report_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "reports": page.object_list,
        "can_request_fleet": user_sees_fleet(request.user),
        # The agencies the user may read that carry tasks: any for oversight and
        # leadership (a list to pick from), their own for a CISO (one button).
        "agency_choices": agency_list_for_user(user=request.user)
        .filter(kind__in=Agency.REPORTING_KINDS)
        .order_by("name"),
    }
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_request(request: HttpRequest) -> HttpResponse:
    """Queue a report and go to its page (it renders in a worker, never here)."""
    form = ReportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("reports:report_list")
    agency = None
    if form.cleaned_data["scope"] == Report.Scope.AGENCY:
        # Another agency answers 404, as if it did not exist.
        agency = agency_get_for_user(user=request.user, agency_id=form.cleaned_data["agency"])
    try:
        report = services.report_request(
            actor=request.user, scope=form.cleaned_data["scope"], agency=agency
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:report_list")
    url = reverse("reports:report_detail", kwargs={"pk": report.pk})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/report_detail.html", {"report": report})


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment htmx polls every 2 s; once the report is done or failed the
    fragment comes without its polling trigger, so the polling stops."""
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    return render(request, "reports/partials/_status.html", {"report": report})


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The PDF as stored when it was made (same bytes every time), as an attachment."""
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    if report.status != Report.Status.DONE:
        raise Http404("This report has no file yet.")
    response = FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=download_name(report),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(report: Report) -> str:
    if report.agency is None:
        subject = "fleet"
    else:
        subject = report.agency.abbreviation or f"agency-{report.agency_id}"
    return f"{report.directive.code}-{subject}-report-{report.pk}.pdf"
