"""The audit log page and its CSV export (oversight only; see apps.audit.selectors).

Both read through the same selector with the same filters, so the export holds exactly the
rows the page lists, all of them rather than one page."""

import csv
from collections.abc import Iterable, Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.audit import selectors
from apps.audit.forms import AuditFilterForm
from apps.directives.selectors import directive_clock_context

EVENTS_PER_PAGE = 50
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# such cells are prefixed with an apostrophe, which makes the spreadsheet read them as text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    options = selectors.audit_filter_options(user=request.user)
    return AuditFilterForm(request.GET or None, options=options)


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every audited change, newest first, filtered by agency, user, action, record and
    dates; each row says who changed what, before → after."""
    selectors.audit_log_access(user=request.user)
    form = _filter_form(request)
    filters = form.filters()
    events = selectors.audit_event_list(user=request.user, filters=filters)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **directive_clock_context(),
        "page_title": "Audit log",
        "form": form,
        "filtered": filters.active,
        "export_ok": not form.errors,
        "page": page,
        # The log shows what the record held: choice fields keep their stored codes. Its
        # times, like its date filters, are in the display zone (PORTAL_DISPLAY_TIME_ZONE).
        "rows": selectors.audit_rows(
            events=list(page), tz=timezone.get_current_timezone(), choice_labels=False
        ),
        "filter_query": _filter_query(request),
    }
    return render(request, "audit/log.html", context)


def csv_cell(value) -> str:
    """One cell as text, defused if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


class _Line:
    """A file-like object whose write() returns what it was given, so csv.writer formats
    one row at a time for a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Line())
    # A byte-order mark first: spreadsheets then read the file as UTF-8 (agency names and
    # comments are not all ASCII).
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


@login_required
@require_GET
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV, streamed row by row (a whole log's export never sits in
    memory). Refused filters send the user back to the page, which explains them, rather
    than exporting more than was asked for."""
    selectors.audit_log_access(user=request.user)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('audit:log')}?{request.GET.urlencode()}")
    events = selectors.audit_event_list(user=request.user, filters=form.filters())
    rows = selectors.audit_export_rows(events=events)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
