"""Jobs through a real Celery worker on Redis, with the figures landing in PostgreSQL."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from apps.readiness.models import AgencyReadiness, ReadinessRun
from apps.readiness.tasks import daily_snapshot, recompute_fleet
from config.celery import app
from tests.tracking.factories import AgencyTaskFactory


@pytest.fixture
def real_worker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_recomputes_and_the_figures_land_in_postgres(world, real_worker):
    AgencyTaskFactory(agency=world.agency, task=world.t1, status="in_progress", percent=50)
    assert app.conf.broker_url.startswith("redis://")
    outcome = recompute_fleet.delay().get(timeout=60)
    assert outcome == {"agencies": 1, "derived_changes": 0}
    assert AgencyReadiness.objects.get(agency=world.agency).weight_total == 3
    run = daily_snapshot.delay().get(timeout=60)
    assert ReadinessRun.objects.get(pk=run["run"]).snapshots.count() == 1


@pytest.mark.django_db
def test_compute_readiness_prints_ratings_and_fleet_figures(world, capsys):
    AgencyTaskFactory(agency=world.agency, task=world.t1, status="in_progress", percent=50)
    call_command("compute_readiness", "--directive", "EO-TEST")
    out = capsys.readouterr().out
    assert "Directive EO-TEST: 1 agencies" in out
    assert "Fleet EV" in out
    assert " s" in out.splitlines()[-1]
