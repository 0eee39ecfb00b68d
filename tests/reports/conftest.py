import pytest

from config.celery import app
from tests.reports.scenario import make_fleet


@pytest.fixture
def fleet(db):
    """Three agencies: on track, slipping, behind (tests/reports/scenario.py)."""
    return make_fleet(3)


@pytest.fixture
def not_eager():
    """Jobs go through the broker to a real worker the test starts."""
    app.conf.task_always_eager = False
    app.control.purge()  # no job left over from an interrupted run reaches these workers
    try:
        yield
    finally:
        app.conf.task_always_eager = True
