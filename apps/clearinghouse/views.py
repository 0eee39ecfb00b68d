"""The remediation page of one agency: the KEV catalog with the agency's status, filters, and
bulk marking. Works as plain GET/POST; with htmx the filters and the bulk mark swap only the
results region."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.agencies.models import Agency
from apps.agencies.selectors import agency_get_for_editor, agency_get_for_user
from apps.clearinghouse.forms import RemediationFilterForm, RemediationMarkForm
from apps.clearinghouse.selectors import (
    DEFAULT_SORT,
    SORT_LABELS,
    remediation_counts_for_agency,
    remediation_list_for_agency,
    vulnerability_products,
    vulnerability_vendors,
)
from apps.clearinghouse.services import MarkResult, remediation_mark_bulk
from apps.core.errors import DomainError
from apps.portal.views import agency_page_context

PAGE_SIZE = 50
FILTER_KEYS = ("q", "vendor", "product", "status", "overdue", "ransomware")


def _list_context(
    request: HttpRequest,
    agency: Agency,
    query: QueryDict,
    *,
    mark_form: RemediationMarkForm | None = None,
    selected: frozenset[int] = frozenset(),
) -> dict[str, Any]:
    """Everything the page and its results fragment show for the filters in `query`."""
    today = timezone.localdate()  # the portal's display zone, like the due dates shown
    vendor = query.get("vendor", "")
    vendors = vulnerability_vendors()
    products = vulnerability_products(vendor=vendor) if vendor in vendors else []
    filter_form = RemediationFilterForm(query, vendors=vendors, products=products)
    filters = filter_form.filters()
    rows = remediation_list_for_agency(agency=agency, filters=filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(query.get("page"))
    # The results region alone (htmx) has no clock banner: skip reading the clock.
    context = agency_page_context(
        request, agency, "vulnerabilities", with_clock=not _results_only(request)
    )
    if context["can_edit"] and mark_form is None:
        # The mark returns to these filters and this page.
        mark_form = RemediationMarkForm(initial={"filters": query.urlencode()})
    kept = query.copy()
    kept.pop("page", None)
    return {
        **context,
        "heading": "Vulnerability remediation",
        "filter_form": filter_form,
        "filters": filters,
        "filtered": any(kept.get(k) for k in FILTER_KEYS),
        "querystring": kept.urlencode(),
        "sort_label": SORT_LABELS.get(filters.sort, SORT_LABELS[DEFAULT_SORT]),
        # htmx: the product menu is redrawn only when the vendor select asked.
        "vendor_changed": bool(request.htmx) and request.htmx.trigger == "id_vendor",
        "page": page,
        "counts": remediation_counts_for_agency(agency=agency, today=today),
        "mark_form": mark_form,
        "selected": selected,
        "list_url": reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk}),
    }


def _results_only(request: HttpRequest) -> bool:
    """An htmx request (filters, paging, a mark) redraws the results region only."""
    return bool(request.htmx) and not request.htmx.boosted


def _render(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    if _results_only(request):
        # The results region only; a refused mark answers 422, which the portal's htmx
        # config swaps in like a success (the fragment carries the errors).
        return render(
            request, "clearinghouse/partials/_results.html", {**context, "oob": True}, status=status
        )
    return render(request, "clearinghouse/remediation_list.html", context, status=status)


@login_required
@require_GET
def remediation_list(request: HttpRequest, agency_id: int) -> HttpResponse:
    """The catalog with the agency's status: search, filters, counts, 50 entries a page."""
    agency = agency_get_for_user(user=request.user, agency_id=agency_id)
    return _render(request, _list_context(request, agency, request.GET))


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _done_message(result: MarkResult) -> str:
    label = result.status.replace("_", " ")
    if not result.changed:
        return f"Nothing changed: the {_entries(result.unchanged)} selected were already {label}."
    text = f"Marked {_entries(result.changed)} as {label}."
    if result.unchanged:
        text += f" {_entries(result.unchanged)} already had that status and stayed as they were."
    return text


@login_required
@require_POST
def remediation_mark(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Bulk-mark the checked entries, then show the same filters and page again (redirect
    without JavaScript, the results region with htmx)."""
    agency = agency_get_for_editor(user=request.user, agency_id=agency_id)
    form = RemediationMarkForm(request.POST)
    query = QueryDict(request.POST.get("filters", ""), mutable=True)
    if form.is_valid():
        try:
            result = remediation_mark_bulk(
                agency=agency, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _done_message(result))
            if request.htmx:
                return _render(request, _list_context(request, agency, query))
            url = reverse("clearinghouse:remediation_list", kwargs={"agency_id": agency.pk})
            return redirect(f"{url}?{query.urlencode()}" if query else url)
    form.flag_errors()
    # Keep the user's selection so a corrected date can be submitted without re-checking.
    selected = frozenset(_ids(request))
    context = _list_context(request, agency, query, mark_form=form, selected=selected)
    return _render(request, context, status=422)


def _ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("vulnerabilities") if v.isdigit()]
