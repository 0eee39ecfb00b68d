"""Report builders: gather a report's data (its frozen run and the records as they stood at
the freeze) into the context its PDF template shows. The only part of rendering that
queries the database, in a fixed number of queries whatever the fleet's size."""

from datetime import datetime

from apps.readiness.inputs import clock_settings
from apps.reports.builders.agency import agency_report_context
from apps.reports.builders.fleet import fleet_report_context
from apps.reports.models import Report

TEMPLATES = {
    Report.Scope.FLEET: "reports/pdf/fleet.html",
    Report.Scope.AGENCY: "reports/pdf/agency.html",
}


def report_context(*, report: Report, generated_at: datetime) -> tuple[str, dict]:
    """The PDF template of the report's scope and its context."""
    build = fleet_report_context if report.scope == Report.Scope.FLEET else agency_report_context
    context = build(report=report, generated_at=generated_at)
    context["clock"] = clock_settings()  # the thresholds "About this report" states
    return TEMPLATES[report.scope], context


__all__ = ["agency_report_context", "fleet_report_context", "report_context"]
