"""Queue membership is one rule written twice, side by side: the Q object the queries use
and the predicate a view asks of a record in hand. They must agree on every state."""

import pytest
from django.utils import timezone

from apps.review import selectors
from apps.tracking.models import AgencyTask, ExtensionRequest
from tests.accounts.factories import OversightFactory
from tests.tracking.factories import AgencyTaskFactory, ExtensionRequestFactory

pytestmark = pytest.mark.django_db
S = AgencyTask.Status


def _every_task_state() -> list[int]:
    now, reviewer = timezone.now(), OversightFactory()
    done = {"percent": 100, "completed_at": now}
    states = [
        {"status": S.NOT_STARTED},
        {"status": S.IN_PROGRESS, "percent": 40},
        {"status": S.BLOCKED, "blocked_reason": "Waiting."},
        {"status": S.COMPLETED, **done},
        {"status": S.VERIFIED, **done, "verified_at": now, "verified_by": reviewer},
        {"status": S.NOT_APPLICABLE, "na_justification": "No such systems."},
        {"status": S.NOT_APPLICABLE, "na_justification": "None.", "na_accepted_at": now,
         "na_accepted_by": reviewer},
    ]  # fmt: skip
    return [AgencyTaskFactory(**fields).pk for fields in states]


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        (selectors.AWAITING_VERIFICATION, selectors.awaits_verification),
        (selectors.AWAITING_NA_DECISION, selectors.awaits_na_decision),
    ],
    ids=["verification", "not applicable"],
)
def test_a_task_queue_predicate_matches_its_filter(condition, holds):
    pks = _every_task_state()
    matched = set(AgencyTask.objects.filter(condition, pk__in=pks).values_list("pk", flat=True))
    assert len(matched) == 1  # exactly one of the states waits in each queue
    assert {t.pk for t in AgencyTask.objects.filter(pk__in=pks) if holds(t)} == matched


def test_the_extension_queue_predicate_matches_its_filter():
    now, reviewer = timezone.now(), OversightFactory()
    ExtensionRequestFactory()
    for status in (ExtensionRequest.Status.APPROVED, ExtensionRequest.Status.DENIED):
        ExtensionRequestFactory(status=status, decided_by=reviewer, decided_at=now)
    matched = set(
        ExtensionRequest.objects.filter(selectors.EXTENSION_PENDING).values_list("pk", flat=True)
    )
    assert len(matched) == 1
    assert {r.pk for r in ExtensionRequest.objects.all() if selectors.extension_pending(r)} == (
        matched
    )
