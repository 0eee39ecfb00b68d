"""Not-applicable claims: oversight accepts one (the task drops out of the agency's figures)
or rejects it with a comment (the task is in progress again), like verification."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.tracking.models import AgencyTask
from tests.review.scenario import HTMX, claimed_na

pytestmark = pytest.mark.django_db
S = AgencyTask.Status


def _post(client, name, agency_task, comment="", version=None):
    data = {
        f"t{agency_task.pk}-version": agency_task.version if version is None else version,
        f"t{agency_task.pk}-comment": comment,
    }
    return client.post(reverse(name, kwargs={"pk": agency_task.pk}), data, **HTMX)


def _last_event(agency_task) -> AuditEvent:
    return AuditEvent.objects.filter(
        object_type="agencytask", object_id=str(agency_task.pk)
    ).latest("occurred_at", "pk")


def test_the_queue_lists_open_claims_with_the_justification_oldest_first(client, world):
    first = claimed_na(world.task("T03", world.other_agency), world.other_ciso, "No mainframe.")
    second = claimed_na(world.task("T02"), world.ciso, "All mail is hosted by GSA.")
    accepted = claimed_na(world.task("T04"), world.ciso)
    AgencyTask.objects.filter(pk=accepted.pk).update(
        na_accepted_at=accepted.updated_at, na_accepted_by=world.oversight
    )
    client.force_login(world.oversight)

    response = client.get(reverse("review:na_queue"))

    assert response.status_code == 200
    assert [line.agency_task.pk for line, _ in response.context["rows"]] == [first.pk, second.pk]
    page = response.content.decode()
    assert "All mail is hosted by GSA." in page
    assert "No mainframe." in page
    assert "Accept claim" in page
    assert "Reject claim" in page


def test_a_reworded_claim_is_a_new_claim_and_moves_to_the_back(client, world):
    from apps.tracking import services

    first = claimed_na(world.task("T02"), world.ciso, "Old reason.")
    claimed_na(world.task("T03"), world.ciso)
    first.refresh_from_db()
    services.agency_task_update(
        agency_task=first, actor=world.ciso, version=first.version, status="not_applicable",
        na_justification="New reason.",
    )  # fmt: skip
    client.force_login(world.oversight)
    rows = client.get(reverse("review:na_queue")).context["rows"]
    assert [line.agency_task.task.code for line, _ in rows] == ["T03", "T02"]


def test_accepting_a_claim_records_who_and_when(client, world):
    task = claimed_na(world.task("T02"), world.ciso)
    client.force_login(world.oversight)
    assert task.na_accepted_at is None

    response = _post(client, "review:na_accept", task)

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == S.NOT_APPLICABLE
    assert task.na_accepted_by == world.oversight
    assert task.na_accepted_at is not None
    event = _last_event(task)
    assert event.action == AuditEvent.Action.ACCEPT_NA
    assert event.actor == world.oversight
    assert "Claim accepted." in response.content.decode()
    assert client.get(reverse("review:na_queue")).context["rows"] == []


def test_rejecting_needs_a_comment(client, world):
    task = claimed_na(world.task("T02"), world.ciso)
    before = AuditEvent.objects.count()
    client.force_login(world.oversight)

    response = _post(client, "review:na_reject", task)

    assert response.status_code == 422
    assert "Add a comment telling the agency why the task applies." in response.content.decode()
    task.refresh_from_db()
    assert task.status == S.NOT_APPLICABLE
    assert AuditEvent.objects.count() == before


def test_rejecting_puts_the_task_back_in_progress_with_the_comment(client, world):
    task = claimed_na(world.task("T02"), world.ciso)
    client.force_login(world.oversight)

    response = _post(client, "review:na_reject", task, comment="You run two mail gateways.")

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert task.na_justification == ""
    assert task.return_comment == "You run two mail gateways."
    event = _last_event(task)
    assert event.action == AuditEvent.Action.REJECT_NA
    assert event.changes["status"] == ["not_applicable", "in_progress"]
    assert event.comment == "You run two mail gateways."


def test_a_stale_claim_decision_is_refused_with_409(client, world):
    task = claimed_na(world.task("T02"), world.ciso)
    seen = task.version
    from apps.tracking import services

    services.agency_task_update(
        agency_task=task, actor=world.ciso, version=seen, status="in_progress", percent=10
    )  # the CISO withdrew the claim
    before = AuditEvent.objects.count()
    client.force_login(world.oversight)

    response = _post(client, "review:na_accept", task, version=seen)

    assert response.status_code == 409
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert task.na_accepted_at is None
    assert AuditEvent.objects.count() == before
    assert "it has left this queue" in response.content.decode()


def test_verifying_a_claim_is_refused_by_the_state_machine(client, world):
    task = claimed_na(world.task("T02"), world.ciso)
    client.force_login(world.oversight)

    response = _post(client, "review:task_verify", task)

    assert response.status_code == 422
    assert "cannot be changed to Verified" in response.content.decode()
    task.refresh_from_db()
    assert task.status == S.NOT_APPLICABLE
