from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from apps.readiness.selectors import AgencyStanding
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from apps.tracking.selectors import forecast_late
from tests.accounts.factories import OversightFactory
from tests.constraints import violates
from tests.tracking.factories import (
    AgencyTaskFactory,
    ExtensionRequestFactory,
    LinkEvidenceFactory,
)

pytestmark = pytest.mark.django_db


def test_one_agency_task_per_agency_and_task():
    row = AgencyTaskFactory()
    with violates("agencytask_unique"):
        AgencyTaskFactory(agency=row.agency, task=row.task)


@pytest.mark.parametrize("percent", [101, 250])
def test_percent_stays_within_0_and_100(percent):
    with violates("agencytask_percent_range"):
        AgencyTaskFactory(percent=percent)


def test_unknown_status_is_refused():
    with violates("agencytask_status_valid"):
        AgencyTaskFactory(status="done-ish")


def test_blocked_needs_a_reason():
    with violates("agencytask_blocked_has_reason"):
        AgencyTaskFactory(status=AgencyTask.Status.BLOCKED, percent=40)


def test_completed_means_100_percent_with_a_completion_time():
    with violates("agencytask_done_is_complete"):
        AgencyTaskFactory(
            status=AgencyTask.Status.COMPLETED, percent=80, completed_at=timezone.now()
        )
    with violates("agencytask_done_is_complete"):
        AgencyTaskFactory(status=AgencyTask.Status.COMPLETED, percent=100, completed_at=None)


def test_verified_records_who_and_when():
    with violates("agencytask_verified_dated"):
        AgencyTaskFactory(
            status=AgencyTask.Status.VERIFIED, percent=100, completed_at=timezone.now()
        )


def test_not_applicable_needs_a_justification_and_acceptance_only_applies_to_it():
    with violates("agencytask_na_justified"):
        AgencyTaskFactory(status=AgencyTask.Status.NOT_APPLICABLE)
    with violates("agencytask_na_accepted_only_when_na"):
        AgencyTaskFactory(status=AgencyTask.Status.IN_PROGRESS, na_accepted_at=timezone.now(),
                          na_accepted_by=OversightFactory())  # fmt: skip


def test_version_starts_at_one():
    with violates("agencytask_version_positive"):
        AgencyTaskFactory(version=0)


def test_evidence_file_needs_digest_and_size_and_a_link_needs_a_url():
    with violates("evidence_kind_fields"):
        LinkEvidenceFactory(url="")
    with violates("evidence_kind_fields"):
        LinkEvidenceFactory(
            kind=Evidence.Kind.FILE, url="", file="evidence/x", sha256="abc", size=10
        )


def test_extension_requests_need_a_justification_and_a_recorded_decision():
    with violates("extension_justified"):
        ExtensionRequestFactory(justification="")
    with violates("extension_decision_recorded"):
        ExtensionRequestFactory(status=ExtensionRequest.Status.APPROVED)
    with violates("extension_status_valid"):
        ExtensionRequestFactory(
            status="maybe", decided_by=OversightFactory(), decided_at=timezone.now()
        )


def test_only_one_pending_extension_per_task():
    first = ExtensionRequestFactory(requested_due=date(2026, 12, 30))
    with violates("extension_one_pending"):
        ExtensionRequestFactory(agency_task=first.agency_task, requested_due=date(2026, 12, 31))
    first.status = ExtensionRequest.Status.DENIED
    first.decided_by = OversightFactory()
    first.decided_at = timezone.now()
    first.save()
    ExtensionRequestFactory(agency_task=first.agency_task)  # a new request after a decision


@pytest.mark.parametrize(
    ("status", "returned", "expected"),
    [
        (AgencyTask.Status.IN_PROGRESS, True, True),
        (AgencyTask.Status.BLOCKED, True, True),
        (AgencyTask.Status.NOT_STARTED, True, True),
        (AgencyTask.Status.COMPLETED, True, False),  # resubmitted after the return
        (AgencyTask.Status.NOT_APPLICABLE, True, False),
        (AgencyTask.Status.IN_PROGRESS, False, False),
    ],
)
def test_a_task_is_returned_while_the_agency_owes_the_work_again(status, returned, expected):
    task = AgencyTask(status=status, returned_at=timezone.now() if returned else None)
    assert task.is_returned_open is expected
    assert task.is_open is (status in AgencyTask.OPEN_STATUSES)


def test_a_forecast_is_late_only_when_it_falls_after_the_deadline():
    deadline = timezone.now()
    clock = SimpleNamespace(deadline=deadline)

    def standing(forecast_at):
        figures = SimpleNamespace(forecast_at=forecast_at)
        return AgencyStanding(figures=figures, median_ev=None, median_spi=None)

    assert forecast_late(standing=standing(deadline + timedelta(hours=1)), clock=clock)
    assert not forecast_late(standing=standing(deadline), clock=clock)
    assert not forecast_late(standing=standing(None), clock=clock)  # too little progress
    assert not forecast_late(
        standing=AgencyStanding(figures=None, median_ev=None, median_spi=None), clock=clock
    )
