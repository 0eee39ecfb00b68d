"""The verification queue: completed work of every agency, oldest first, with its evidence;
oversight verifies it or returns it with a comment, through the tracking services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.tracking.models import AgencyTask
from tests.agencies.factories import BureauFactory
from tests.review.scenario import HTMX, completed, flat
from tests.tracking.scenario import assign

pytestmark = pytest.mark.django_db
S = AgencyTask.Status


def _post(client, name, agency_task, comment="", version=None, headers=HTMX, query=""):
    url = reverse(name, kwargs={"pk": agency_task.pk}) + (f"?{query}" if query else "")
    data = {
        f"t{agency_task.pk}-version": agency_task.version if version is None else version,
        f"t{agency_task.pk}-comment": comment,
    }
    return client.post(url, data, **headers)


def _events(agency_task) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="agencytask", object_id=str(agency_task.pk)).order_by(
            "-occurred_at", "-pk"
        )
    )


def test_the_queue_lists_completed_work_of_every_agency_oldest_first(client, world):
    second = completed(world.task("T02"), world.ciso, file=True)
    first = completed(world.task("T03", world.other_agency), world.other_ciso)
    AgencyTask.objects.filter(pk=first.pk).update(completed_at=timezone.now() - timedelta(days=2))
    completed(world.task("T04"), world.ciso)
    AgencyTask.objects.filter(pk=world.task("T04").pk).update(status=S.VERIFIED,
        verified_at=timezone.now(), verified_by=world.oversight)  # fmt: skip
    client.force_login(world.oversight)

    response = client.get(reverse("review:verification_queue"))

    assert response.status_code == 200
    rows = [line.agency_task.pk for line, _ in response.context["rows"]]
    assert rows == [first.pk, second.pk]  # the verified one has left the queue
    page = response.content.decode()
    assert "Other Agency (OA)" in page
    assert "Agency of Examples (AOE)" in page
    assert 'Completed work <span class="tab-count">2' in page
    # The evidence is at hand: the file through the permission-checked download view, the link.
    evidence = second.evidence.get(kind="file")
    download = reverse(
        "tracking:evidence_download", kwargs={"agency_id": world.agency.pk, "pk": evidence.pk}
    )
    assert download in page
    assert "https://records.agency.example/T02" in page
    assert evidence.sha256[:12] in page
    # ... and oversight may download it.
    file_response = client.get(download)
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content).startswith(b"%PDF")
    file_response.close()


def test_the_queue_filters_by_agency_department_and_task(client, world):
    bureau = BureauFactory(name="Bureau of Tests", abbreviation="BOT")
    assign(world.directive, bureau)
    from tests.accounts.factories import CisoFactory

    bureau_ciso = CisoFactory(agency=bureau)
    a = completed(world.task("T02"), world.ciso)
    b = completed(world.task("T02", world.other_agency), world.other_ciso)
    c = completed(world.task("T03", bureau), bureau_ciso)
    client.force_login(world.oversight)
    url = reverse("review:verification_queue")

    def shown(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {line.agency_task.pk for line, _ in response.context["rows"]}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(agency=world.other_agency.pk) == {b.pk}
    assert shown(department=bureau.parent_id) == {c.pk}
    assert shown(task=a.task_id) == {a.pk, b.pk}
    assert shown(task=a.task_id, agency=world.agency.pk) == {a.pk}
    # A filter value that names nothing is ignored rather than failing the page.
    assert shown(agency="nonsense") == {a.pk, b.pk, c.pk}
    assert "(filtered)" in client.get(url, {"task": a.task_id}).content.decode()


def test_the_queue_is_paginated(client, world, settings):
    from apps.review import views

    for code in ("T01", "T02", "T03"):
        completed(world.task(code), world.ciso)
    client.force_login(world.oversight)
    views.PAGE_SIZE, old = 2, views.PAGE_SIZE
    try:
        first = client.get(reverse("review:verification_queue"))
        second = client.get(reverse("review:verification_queue"), {"page": 2})
    finally:
        views.PAGE_SIZE = old
    assert len(first.context["rows"]) == 2
    assert len(second.context["rows"]) == 1
    assert "Page 1 of 2" in first.content.decode()
    assert "Showing 3–3 of 3" in second.content.decode()


def test_verifying_marks_the_task_verified_and_audits_it(client, world):
    task = completed(world.task("T02"), world.ciso)
    client.force_login(world.oversight)
    assert (task.status, task.verified_by_id) == (S.COMPLETED, None)

    response = _post(client, "review:task_verify", task, comment="Scan report checks out.")

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == S.VERIFIED
    assert task.verified_by == world.oversight
    assert task.verified_at is not None
    event = _events(task)[0]
    assert event.action == AuditEvent.Action.VERIFY
    assert event.actor == world.oversight
    assert event.changes["status"] == ["completed", "verified"]
    assert event.comment == "Scan report checks out."
    page = flat(response)
    assert "Verified</span> by Olive Park" in page
    # The queue's count is refreshed out of band, and the change is announced.
    assert 'id="review-tabs"' in page
    assert 'hx-swap-oob="true"' in page
    assert "T02 at Agency of Examples (AOE): verified." in page


def test_returning_needs_a_comment_and_changes_nothing_without_one(client, world):
    task = completed(world.task("T02"), world.ciso)
    events = len(_events(task))
    client.force_login(world.oversight)

    response = _post(client, "review:task_return", task, comment="   ")

    assert response.status_code == 422
    assert "Add a comment telling the agency what is missing." in response.content.decode()
    task.refresh_from_db()
    assert task.status == S.COMPLETED
    assert task.return_comment == ""
    assert len(_events(task)) == events


def test_returning_sends_the_task_back_with_the_comment(client, world):
    task = completed(world.task("T02"), world.ciso)
    client.force_login(world.oversight)

    response = _post(client, "review:task_return", task, comment="The scan misses two sites.")

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert task.return_comment == "The scan misses two sites."
    assert task.returned_at is not None
    assert task.completed_at is None
    event = _events(task)[0]
    assert event.action == AuditEvent.Action.RETURN
    assert event.changes["status"] == ["completed", "in_progress"]
    assert event.comment == "The scan misses two sites."
    assert "Returned to Agency of Examples" in response.content.decode()
    # The CISO sees it on the task.
    client.force_login(world.ciso)
    page = client.get(
        reverse("tracking:agency_task_detail", kwargs={"agency_id": world.agency.pk, "pk": task.pk})
    ).content.decode()
    assert "Returned by oversight" in page
    assert "The scan misses two sites." in page


def test_a_stale_decision_is_refused_with_409_and_the_current_state(client, world):
    task = completed(world.task("T02"), world.ciso)
    seen = task.version
    # Meanwhile the CISO reopens the task.
    from apps.tracking import services

    services.agency_task_update(
        agency_task=task, actor=world.ciso, version=seen, status="in_progress", percent=90
    )
    events = AuditEvent.objects.count()
    client.force_login(world.oversight)

    response = _post(client, "review:task_verify", task, version=seen, comment="OK")

    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved." in page
    assert "Someone else saved this task" in page
    assert "it has left this queue" in page
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert task.verified_by is None
    assert AuditEvent.objects.count() == events


def test_a_stale_decision_on_a_task_still_waiting_offers_the_form_again(client, world):
    task = completed(world.task("T02"), world.ciso)
    seen = task.version
    from apps.tracking import services

    services.evidence_link_add(agency_task=task, actor=world.ciso, url="https://x.example/more")
    AgencyTask.objects.filter(pk=task.pk).update(version=seen + 1)  # e.g. the CISO's note
    client.force_login(world.oversight)

    response = _post(client, "review:task_return", task, version=seen, comment="Missing sites.")

    assert response.status_code == 409
    page = response.content.decode()
    # A fresh form at the current version, keeping what the reviewer typed.
    assert f'value="{seen + 1}"' in page
    assert "Missing sites." in page
    task.refresh_from_db()
    assert task.status == S.COMPLETED


def test_without_javascript_a_decision_redirects_back_to_the_same_filters(client, world):
    task = completed(world.task("T02"), world.ciso)
    client.force_login(world.oversight)

    response = _post(
        client, "review:task_verify", task, headers={}, query=f"agency={world.agency.pk}"
    )

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("review:verification_queue") + f"?agency={world.agency.pk}"
    )
    page = client.get(response["Location"]).content.decode()
    assert "T02 at Agency of Examples (AOE): verified." in page
    task.refresh_from_db()
    assert task.status == S.VERIFIED


def test_without_javascript_a_refusal_shows_the_row_above_the_queue(client, world):
    task = completed(world.task("T02"), world.ciso)
    completed(world.task("T03"), world.ciso)
    client.force_login(world.oversight)

    response = _post(client, "review:task_return", task, headers={})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Your decision was not saved" in page
    assert page.count(f'id="review-row-{task.pk}"') == 1  # not listed twice
    assert "Add a comment telling the agency what is missing." in page
