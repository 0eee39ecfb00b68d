"""The extension queue: pending requests beside each task's current due; an approval moves
the task's effective due and the agency's figures at once, a denial needs a comment."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.readiness.clock import local_date
from apps.readiness.models import AgencyReadiness
from apps.readiness.services import agency_figures_refresh
from apps.tracking.models import AgencyTask, ExtensionRequest
from tests.review.scenario import HTMX, extension_asked
from tests.tracking.scenario import NEW_YORK

pytestmark = pytest.mark.django_db
E = ExtensionRequest.Status


def _post(client, name, extension, comment="", headers=HTMX):
    url = reverse(name, kwargs={"pk": extension.pk})
    return client.post(url, {f"x{extension.pk}-comment": comment}, **headers)


def test_the_queue_shows_the_current_due_the_request_and_the_requester(client, world):
    older = extension_asked(world.task("T01", world.other_agency), world.other_ciso, days=3)
    newer = extension_asked(world.task("T01"), world.ciso, days=6)
    decided = extension_asked(world.task("T05"), world.ciso)
    ExtensionRequest.objects.filter(pk=decided.pk).update(
        status=E.DENIED, decided_by=world.oversight, decided_at=decided.created_at
    )
    client.force_login(world.oversight)

    response = client.get(reverse("review:extension_queue"))

    assert response.status_code == 200
    items = [item for item, _ in response.context["rows"]]
    assert [i.extension.pk for i in items] == [older.pk, newer.pk]
    # T01 is due with milestone M1 (day 7): overdue on day 12, so the request adds days
    # counted from that due.
    due = local_date(items[1].line.due, NEW_YORK)
    assert items[1].line.clock_state == "overdue"
    assert items[1].days_added == (newer.requested_due - due).days
    page = response.content.decode()
    assert "The replacement hardware arrives next week." in page
    assert "Asked by Casey Ng" in page
    assert f"{newer.requested_due:%b} {newer.requested_due.day}, {newer.requested_due.year}" in page


def test_approving_moves_the_effective_due_and_the_figures_at_once(
    client, world, django_capture_on_commit_callbacks
):
    task = world.task("T01")  # overdue, as is T05: their milestone M1 passed five days ago
    agency_figures_refresh(agency_id=world.agency.pk)
    figures = AgencyReadiness.objects.get(agency=world.agency)
    overdue, planned = figures.tasks_overdue, figures.pv
    assert overdue == 2
    extension = extension_asked(task, world.ciso, days=5)
    client.force_login(world.oversight)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "review:extension_approve", extension, comment="Granted once.")

    assert response.status_code == 200
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.status == E.APPROVED
    assert extension.decided_by == world.oversight
    assert task.extended_due == extension.requested_due
    figures.refresh_from_db()
    assert figures.tasks_overdue == overdue - 1
    assert figures.pv < planned  # T01's plan now stretches to its new due
    actions = set(
        AuditEvent.objects.filter(actor=world.oversight).values_list("object_type", "action")
    )
    assert actions == {("extensionrequest", "approve"), ("agencytask", "approve")}
    page = response.content.decode()
    assert "badge-extension-approved" in page
    # The answer shows the new due and the agency's refreshed figures.
    assert f"{extension.requested_due:%b} {extension.requested_due.day}," in page
    assert "Agency of Examples now:" in page


def test_denying_needs_a_comment(client, world):
    extension = extension_asked(world.task("T01"), world.ciso)
    before = AuditEvent.objects.count()
    client.force_login(world.oversight)

    response = _post(client, "review:extension_deny", extension)

    assert response.status_code == 422
    assert "Tell the agency why the extension is denied." in response.content.decode()
    extension.refresh_from_db()
    assert extension.status == E.PENDING
    assert AuditEvent.objects.count() == before


def test_denying_keeps_the_due_and_records_the_reason(client, world):
    task = world.task("T01")
    extension = extension_asked(task, world.ciso)
    client.force_login(world.oversight)

    response = _post(client, "review:extension_deny", extension, comment="Use the loaner kit.")

    assert response.status_code == 200
    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.status == E.DENIED
    assert extension.decision_comment == "Use the loaner kit."
    assert task.extended_due is None
    event = AuditEvent.objects.get(object_type="extensionrequest", action="deny")
    assert event.changes == {"status": ["pending", "denied"]}
    assert event.comment == "Use the loaner kit."


def test_a_request_decided_meanwhile_answers_409_with_that_decision(client, world):
    extension = extension_asked(world.task("T01"), world.ciso)
    from apps.tracking import services
    from tests.accounts.factories import OversightFactory

    colleague = OversightFactory(first_name="Dana", last_name="Lee")
    services.extension_request_decide(
        extension=extension, actor=colleague, approve=False, comment="No."
    )
    before = AuditEvent.objects.count()
    client.force_login(world.oversight)

    response = _post(client, "review:extension_approve", extension)

    assert response.status_code == 409
    page = response.content.decode()
    assert "This request was already denied." in page
    assert "Dana Lee" in page
    extension.refresh_from_db()
    assert extension.status == E.DENIED
    assert extension.decided_by == colleague
    assert AuditEvent.objects.count() == before
    assert AgencyTask.objects.get(pk=extension.agency_task_id).extended_due is None


def test_without_javascript_an_approval_redirects_to_the_queue(client, world):
    extension = extension_asked(world.task("T01"), world.ciso)
    client.force_login(world.oversight)
    response = _post(client, "review:extension_approve", extension, headers={})
    assert response.status_code == 302
    assert response["Location"] == reverse("review:extension_queue")
    assert "extension approved" in client.get(response["Location"]).content.decode()


def test_requests_far_out_show_how_many_days_they_add(client, world):
    extension = extension_asked(world.task("T08"), world.ciso, days=25)  # T08: M4, day 30
    client.force_login(world.oversight)
    ((item, _),) = client.get(reverse("review:extension_queue")).context["rows"]
    assert item.extension == extension
    assert item.days_added == (extension.requested_due - local_date(item.line.due, NEW_YORK)).days
    assert item.days_added == 7  # T08 is due with M4 on day 30, 18 days from today
