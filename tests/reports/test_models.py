import pytest

from apps.reports.models import Report
from tests.agencies.factories import AgencyFactory
from tests.constraints import violates
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def test_an_agency_report_names_its_agency_and_a_fleet_report_none():
    with violates("report_scope_agency"):
        ReportFactory(scope=Report.Scope.AGENCY, agency=None)
    with violates("report_scope_agency"):
        ReportFactory(scope=Report.Scope.FLEET, agency=AgencyFactory())


def test_status_and_progress_are_valid():
    with violates("report_status_valid"):
        ReportFactory(status="exploded")
    with violates("report_progress_range"):
        ReportFactory(progress=101)


def test_a_done_report_has_its_file_and_digest():
    with violates("report_done_has_file"):
        ReportFactory(status=Report.Status.DONE)
    ReportFactory(status=Report.Status.DONE, file="reports/x.pdf", sha256="a" * 64, size=10)


def test_a_failed_report_has_an_error_and_no_file():
    with violates("report_failed_has_error_no_file"):
        ReportFactory(status=Report.Status.FAILED)
    with violates("report_failed_has_error_no_file"):
        ReportFactory(status=Report.Status.FAILED, error="boom", file="reports/x.pdf")
