import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from apps.directives.selectors import directive_schedule_cached
from apps.readiness.dashboard import fleet_picture
from apps.readiness.forms import AgencyTableFilterForm
from apps.readiness.selectors import (
    agency_figures_list,
    figures_queryset,
    figures_state,
    rollup_by_department,
    user_sees_fleet,
)

AGENCIES_PER_PAGE = 50
CACHE_SECONDS = 30 * 60


def _fleet_context(request: HttpRequest) -> dict:
    """Oversight and leadership only: these pages name every agency, so anyone else gets
    the same 404 as for a page that does not exist. One query: the directive and the
    version of its figures (cached renderings are keyed by it)."""
    if not user_sees_fleet(request.user):
        raise Http404
    state = figures_state()
    schedule = directive_schedule_cached(directive=state.directive)
    return {
        "directive": state.directive,
        "schedule": schedule,
        "clock": schedule.clock(timezone.now()),
        "tz": schedule.tz,
        "version": state.version,
    }


def _cached(key: str, build):
    """Dashboard pieces are the same for every reader until the figures change, so they are
    cached under the figures' version: a recompute of any agency makes a new key."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _agency_table(request: HttpRequest, context: dict) -> tuple[str, str]:
    """The filter form and one page of the agency table, as HTML."""
    form = AgencyTableFilterForm(request.GET or None)
    rows = agency_figures_list(directive=context["directive"], **form.filters())
    page = Paginator(rows, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    schedule = context["schedule"]
    codes = [schedule.codes[pk] for pk in schedule.milestone_order]
    table = render_to_string(
        "readiness/partials/_agency_table.html",
        {"page": page, "query": query.urlencode(), "milestone_codes": codes},
    )
    return render_to_string("readiness/partials/_agency_filters.html", {"form": form}), table


@login_required
def fleet_dashboard(request: HttpRequest) -> HttpResponse:
    """KPIs, burn-up, SPI distribution, heat map and the agency table."""
    context = _fleet_context(request)
    version = context["version"]
    query_key = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
    filters, table = _cached(
        f"fleet-table:{version}:{query_key}", lambda: _agency_table(request, context)
    )
    if request.htmx and request.htmx.target == "agency-table":
        return HttpResponse(table)

    def summary() -> str:
        picture = fleet_picture(
            directive=context["directive"], schedule=context["schedule"], now=timezone.now()
        )
        return render_to_string(
            "readiness/partials/_fleet_summary.html", {"picture": picture, "tz": context["tz"]}
        )

    context |= {
        "agency_filters": filters,
        "agency_table": table,
        "summary": _cached(f"fleet-summary:{version}:{context['clock'].day_number}", summary),
    }
    return render(request, "readiness/fleet_dashboard.html", context)


@login_required
def department_rollup(request: HttpRequest) -> HttpResponse:
    """The fleet's figures per department, each with its bureaus."""
    context = _fleet_context(request)
    directive = context["directive"]

    def build() -> str:
        rows = figures_queryset(directive=directive).order_by(
            "agency__parent__name", "risk", "agency__name"
        )
        members: dict[int | None, list] = {}
        for row in rows:
            members.setdefault(row.agency.parent_id, []).append(row)
        groups = [
            (g, members.get(g.agency.pk if g.agency else None, []))
            for g in rollup_by_department(directive=directive)
        ]
        return render_to_string("readiness/partials/_rollup_table.html", {"groups": groups})

    context["rollup_table"] = _cached(f"fleet-rollup:{context['version']}", build)
    return render(request, "readiness/department_rollup.html", context)
