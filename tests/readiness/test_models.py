import pytest

from apps.readiness.models import ReadinessRun
from tests.constraints import violates
from tests.readiness.factories import (
    AgencyReadinessFactory,
    ReadinessRunFactory,
    ReadinessSnapshotFactory,
)

pytestmark = pytest.mark.django_db


def test_current_figures_are_one_row_per_agency_and_directive():
    row = AgencyReadinessFactory()
    with violates("readiness_current_unique"):
        AgencyReadinessFactory(agency=row.agency, directive=row.directive)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"ev": 1.2}, "readiness_ev_range"),
        ({"pv": -0.1}, "readiness_pv_range"),
        ({"spi": -1.0}, "readiness_spi_nonneg"),
        ({"rating": "purple"}, "readiness_rating_valid"),
    ],
)
def test_current_figures_stay_in_range(values, constraint):
    with violates(constraint):
        AgencyReadinessFactory(**values)


def test_snapshot_figures_stay_in_range_and_one_per_run_and_agency():
    with violates("snapshot_ev_range"):
        ReadinessSnapshotFactory(ev=2)
    row = ReadinessSnapshotFactory()
    with violates("snapshot_unique"):
        ReadinessSnapshotFactory(run=row.run, agency=row.agency)


def test_the_daily_series_has_one_point_per_day():
    run = ReadinessRunFactory()
    with violates("readinessrun_one_daily"):
        ReadinessRunFactory(directive=run.directive, snapshot_date=run.snapshot_date)
    ReadinessRunFactory(
        directive=run.directive, snapshot_date=run.snapshot_date, kind=ReadinessRun.Kind.REPORT
    )
    with violates("readinessrun_ev_range"):
        ReadinessRunFactory(ev=3)
    with violates("readinessrun_pv_range"):
        ReadinessRunFactory(pv=3)
