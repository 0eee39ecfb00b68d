"""Two editors saving the same task at the same moment: the row lock serialises them, the
second sees the version moved on and is refused; nothing is lost or overwritten."""

import threading

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.core.errors import StaleVersion
from apps.tracking import services
from apps.tracking.models import AgencyTask


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_at_the_same_version_let_exactly_one_through(transactional_world):
    world = transactional_world
    agency_task = world.task("T01")
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def save(percent: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[percent] = services.agency_task_update(
                agency_task=agency_task,
                actor=world.ciso,
                version=1,
                status="in_progress",
                percent=percent,
            )
        except StaleVersion as exc:
            outcomes[percent] = exc
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=save, args=(p,)) for p in (30, 70)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    refused = [p for p, outcome in outcomes.items() if isinstance(outcome, StaleVersion)]
    saved = [p for p, outcome in outcomes.items() if isinstance(outcome, AgencyTask)]
    assert len(refused) == 1
    assert len(saved) == 1
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.percent, stored.version) == (saved[0], 2)
    assert AuditEvent.objects.filter(object_type="agencytask", action="status").count() == 1
