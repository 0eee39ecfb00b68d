import pytest

from tests.reports.scenario import make_fleet


@pytest.fixture
def fleet(db):
    """Three agencies: on track, slipping, behind (tests/reports/scenario.py)."""
    return make_fleet(3)
