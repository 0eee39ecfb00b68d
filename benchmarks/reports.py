"""PDF reports at fleet scale: the fleet report's total render time and peak memory against
the time WeasyPrint alone takes for the same final HTML (the floor: gathering the data and
storing the file should add little), and the agency report's time."""

import resource
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.directives.selectors import directive_current
from apps.readiness.models import AgencyReadiness
from apps.readiness.services import readiness_recompute
from apps.reports import pdf
from apps.reports.builders import report_context
from apps.reports.models import Report
from apps.reports.services import report_render, report_request


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _render(scope: str, agency=None) -> tuple[Report, float]:
    report = report_request(actor=None, scope=scope, agency=agency, enqueue=False)
    started = time.perf_counter()
    report = report_render(report_id=report.pk)
    elapsed = time.perf_counter() - started
    assert report.status == Report.Status.DONE, report.error
    return report, elapsed


def _phases(report: Report) -> tuple[float, int, float, float]:
    """Gathering (seconds, queries), template (seconds), WeasyPrint alone (seconds), for
    the report's own final HTML."""
    report = Report.objects.select_related("directive", "run", "agency", "requested_by").get(
        pk=report.pk
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        template, context = report_context(report=report, generated_at=report.started_at)
    gather = time.perf_counter() - started
    started = time.perf_counter()
    html = pdf.render_html(template, context)
    templating = time.perf_counter() - started
    started = time.perf_counter()
    pdf.html_to_pdf(html)
    weasy = time.perf_counter() - started
    return gather, len(queries), templating, weasy


def run(repeat: int = 3) -> list[str]:
    directive = directive_current()
    readiness_recompute(directive=directive)  # current figures, as the 15-minute job keeps
    agencies = AgencyReadiness.objects.filter(directive=directive).count()
    rss_before = _peak_rss_mb()

    # Fleet report: one full render (it takes tens of seconds), then its phases apart.
    fleet, total = _render("fleet")
    rss_after = _peak_rss_mb()
    gather, queries, templating, weasy = _phases(fleet)

    # Agency report: the agency with the most overdue work (the longest lists).
    busiest = (
        AgencyReadiness.objects.filter(directive=directive)
        .select_related("agency")
        .order_by("-tasks_overdue", "-kev_overdue", "agency__name")
        .first()
        .agency
    )
    agency_times = []
    for _ in range(repeat):
        agency_report, elapsed = _render("agency", agency=busiest)
        agency_times.append(elapsed)
    agency_time = statistics.median(agency_times)
    a_gather, a_queries, a_templating, a_weasy = _phases(agency_report)
    return [
        f"### PDF reports ({agencies} agencies)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| fleet report: total render (gather, HTML, WeasyPrint, store) | {total:.1f} s, "
        f"{fleet.pages} pages, {fleet.size / 1024:.0f} KiB |",
        f"| fleet report: peak memory (process max RSS) | {rss_after:.0f} MiB "
        f"(+{rss_after - rss_before:.0f} MiB over the process before it) |",
        f"| fleet report: gathering the data | {gather * 1000:.0f} ms, {queries} queries |",
        f"| fleet report: rendering the HTML template | {templating * 1000:.0f} ms |",
        f"| floor: WeasyPrint alone on the same final HTML | {weasy:.1f} s |",
        f"| ratio total / WeasyPrint alone | {total / weasy:.2f} (target ≤ 1.3) |",
        # The same ratio from the phases timed back to back: less exposed to a noisy machine.
        f"| ratio (gathering + template + WeasyPrint) / WeasyPrint | "
        f"{(gather + templating + weasy) / weasy:.2f} |",
        f"| agency report ({busiest.display_name}): total render, median of {repeat} | "
        f"{agency_time:.2f} s, {agency_report.pages} pages (target < 2 s) |",
        f"| agency report: gathering / template / WeasyPrint alone | {a_gather * 1000:.0f} ms "
        f"({a_queries} queries) / {a_templating * 1000:.0f} ms / {a_weasy:.2f} s |",
        "",
    ]
