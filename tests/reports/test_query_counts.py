"""The report builders gather a report's data in a fixed number of queries, whatever the
number of agencies (STYLE rule 12): the same count with 3 and with 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.reports.builders import report_context
from apps.reports.models import Report
from apps.reports.services import report_request
from tests.reports.scenario import make_fleet

pytestmark = pytest.mark.django_db


def _queries(report: Report) -> int:
    report = Report.objects.select_related("directive", "run", "agency", "requested_by").get(
        pk=report.pk
    )
    report_context(report=report, generated_at=timezone.now())  # warm-up (content types...)
    with CaptureQueriesContext(connection) as queries:
        report_context(report=report, generated_at=timezone.now())
    return len(queries)


def _counts(n: int, capture) -> tuple[int, int]:
    fleet = make_fleet(n)
    with capture(execute=False):
        first = report_request(actor=fleet.oversight, scope="fleet")
        report_request(actor=fleet.oversight, scope="agency", agency=fleet.agencies[0])
        # A second of each, so "what changed since the previous report" has its reads too.
        whole = report_request(actor=fleet.oversight, scope="fleet")
        agency = report_request(actor=fleet.oversight, scope="agency", agency=fleet.agencies[0])
    assert first.pk < whole.pk
    return _queries(whole), _queries(agency)


# Both sizes must give these: the number of queries does not grow with the fleet. (The
# milestones come with the schedule and the tasks, never read again.)
FLEET_QUERIES = 14
AGENCY_QUERIES = 17


@pytest.mark.parametrize("agencies", [3, 30])
def test_the_fleet_and_agency_builders_query_the_same_with_3_and_30_agencies(
    agencies, django_capture_on_commit_callbacks
):
    assert _counts(agencies, django_capture_on_commit_callbacks) == (
        FLEET_QUERIES, AGENCY_QUERIES,
    )  # fmt: skip


@pytest.mark.parametrize("reports", [3, 30])
def test_the_report_list_queries_the_same_with_3_and_30_reports(
    reports, client, django_assert_num_queries
):
    from tests.accounts.factories import OversightFactory
    from tests.agencies.factories import AgencyFactory
    from tests.reports.factories import ReportFactory

    user = OversightFactory()
    for i in range(reports):
        agency = AgencyFactory() if i % 2 else None
        ReportFactory(scope="agency" if agency else "fleet", agency=agency, requested_by=user)
    client.force_login(user)
    client.get("/reports/")  # warm-up
    # session, user, the header's notice count, count, page of reports, agency choices of
    # the request form
    with django_assert_num_queries(6):
        assert client.get("/reports/").status_code == 200
