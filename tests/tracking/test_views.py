"""The CISO's screens: the agency page, inline (htmx) and full updates, stale saves, the
task page with its history, and extension requests."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.readiness.clock import local_date
from apps.readiness.models import AgencyReadiness
from apps.tracking import services
from apps.tracking.models import AgencyTask, ExtensionRequest
from tests.tracking.factories import LinkEvidenceFactory
from tests.tracking.scenario import NEW_YORK, put_in

pytestmark = pytest.mark.django_db
S = AgencyTask.Status
HTMX = {"HTTP_HX_REQUEST": "true"}


def agency_url(world):
    return reverse("tracking:agency_detail", kwargs={"agency_id": world.agency.pk})


def task_url(world, agency_task):
    return reverse(
        "tracking:agency_task_detail", kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk}
    )


def row_url(world, agency_task):
    return reverse(
        "tracking:agency_task_row", kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk}
    )


def inline(agency_task, **values):
    return {f"t{agency_task.pk}-{k}": v for k, v in values.items()}


# --- Agency page ------------------------------------------------------------------------------


def test_agency_page_shows_the_clock_figures_and_tasks_by_milestone(client, world):
    put_in(world.task("T02"), S.BLOCKED)
    AgencyReadiness.objects.create(
        agency=world.agency,
        directive=world.directive,
        computed_at=timezone.now(),
        day_number=12,
        ev=0.42,
        pv=0.55,
        spi=0.76,
        rating="amber",
        forecast_at=timezone.now() + timedelta(days=20),
        weight_total=12,
    )
    AgencyReadiness.objects.create(
        agency=world.other_agency,
        directive=world.directive,
        computed_at=timezone.now(),
        day_number=12,
        ev=0.5,
        pv=0.55,
        spi=0.9,
        rating="green",
        weight_total=12,
    )
    client.force_login(world.ciso)
    response = client.get(agency_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Day 12 of 30 · 18 days left · deadline" in html
    assert "Agency of Examples (AOE)" in html
    assert 'data-figure="ev"' in html
    assert "42%" in html
    assert "Fleet median 46%" in html  # the median of 42% and 50%
    assert "Fleet median 0.83" in html  # the median SPI of 0.76 and 0.90
    assert "After the deadline" in html  # forecast in 20 days, deadline in 18
    assert "Other Agency" not in html  # no other agency is named
    assert "76" in html
    assert "Amber" in html
    for code in ("M1", "M2", "M3", "M4", "T01", "T02", "T03", "T04"):
        assert code in html
    assert "Waiting on the vendor." in html  # the blocker is shown in the row
    assert "At risk" in html  # blocked is at risk [R9]
    assert html.count("?edit=1") == 4  # an Update button per task
    assert "Read only." not in html


def test_the_board_filters_by_status_and_clock_state(client, world):
    put_in(world.task("T02"), S.BLOCKED)
    put_in(world.task("T03"), S.IN_PROGRESS)
    client.force_login(world.ciso)
    html = client.get(agency_url(world), {"status": "blocked"}).content.decode()
    assert "Showing 1 of 4 tasks (filtered)" in html
    assert f'id="task-row-{world.task("T02").pk}"' in html
    assert f'id="task-row-{world.task("T03").pk}"' not in html
    html = client.get(agency_url(world), {"clock": "overdue"}).content.decode()
    # T01 (day 7) is past due and not done; the others are not due yet.
    assert "Showing 1 of 4 tasks (filtered)" in html
    assert f'id="task-row-{world.task("T01").pk}"' in html
    html = client.get(agency_url(world), {"status": "verified"}).content.decode()
    assert "No task matches these filters." in html
    assert "Blocked (1)" in html
    assert "Overdue (1)" in html


def test_an_unknown_filter_value_shows_everything(client, world):
    client.force_login(world.ciso)
    html = client.get(agency_url(world), {"status": "bogus"}).content.decode()
    assert "Showing 4 of 4 tasks." in html


# --- Inline update (htmx) ---------------------------------------------------------------------


def test_the_row_editor_offers_only_allowed_statuses(client, world):
    agency_task = put_in(world.task("T01"), S.COMPLETED)
    client.force_login(world.ciso)
    html = client.get(row_url(world, agency_task) + "?edit=1", **HTMX).content.decode()
    assert "Completed (current)" in html
    assert '<option value="in_progress"' in html
    for absent in ("verified", "blocked", "not_started", "not_applicable"):
        assert f'<option value="{absent}"' not in html


@pytest.mark.django_db(transaction=True)
def test_inline_save_returns_the_row_and_the_refreshed_figures(client, transactional_world):
    """Committed for real (as in production), so the figures refresh runs on commit, before
    the response is rendered."""
    world = transactional_world
    agency_task = world.task("T03")
    client.force_login(world.ciso)
    response = client.post(
        row_url(world, agency_task),
        inline(agency_task, version=1, status="in_progress", percent=60, note="Half done."),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="task-row-{agency_task.pk}"' in html
    assert "In progress" in html
    assert "60%" in html
    # The figures block comes along, swapped out of band.
    assert 'id="agency-figures"' in html
    assert 'hx-swap-oob="true"' in html
    figures = AgencyReadiness.objects.get(agency=world.agency)
    assert figures.ev == pytest.approx(0.15)  # 3 x 0.6 of weight 12
    assert "15%" in html
    assert "T03 saved: In progress, 60%" in html
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.status, stored.percent, stored.notes, stored.version) == (
        "in_progress",
        60,
        "Half done.",
        2,
    )


def test_inline_refusal_names_the_allowed_moves_and_keeps_the_editor(client, world):
    agency_task = put_in(world.task("T01"), S.IN_PROGRESS)
    client.force_login(world.ciso)
    response = client.post(
        row_url(world, agency_task),
        inline(agency_task, version=agency_task.version, status="blocked", percent=40, note=""),
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Say what blocks this task." in html
    assert "data-row-editor" in html
    assert AgencyTask.objects.get(pk=agency_task.pk).status == S.IN_PROGRESS


def test_inline_completion_without_evidence_is_refused_with_the_reason(client, world):
    agency_task = put_in(world.task("T01"), S.IN_PROGRESS)
    client.force_login(world.ciso)
    response = client.post(
        row_url(world, agency_task),
        inline(agency_task, version=agency_task.version, status="completed", percent=100),
        **HTMX,
    )
    assert response.status_code == 422
    assert "Attach evidence before marking this task completed" in response.content.decode()


def test_two_sessions_edit_the_same_task_and_the_second_save_is_refused(client, world):
    """Both read version 1; the first save wins, the second sees the current values."""
    from django.test import Client

    agency_task = world.task("T01")
    first, second = client, Client()
    first.force_login(world.ciso)
    second.force_login(world.ciso)
    # Both open the editor at version 1.
    for session in (first, second):
        assert 'value="1"' in session.get(row_url(world, agency_task) + "?edit=1").content.decode()
    saved = first.post(
        row_url(world, agency_task),
        inline(agency_task, version=1, status="in_progress", percent=30, note="First."),
        **HTMX,
    )
    assert saved.status_code == 200
    refused = second.post(
        row_url(world, agency_task),
        inline(agency_task, version=1, status="in_progress", percent=90, note="Second."),
        **HTMX,
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else saved this task after you opened it" in html
    # The editor now shows the stored values at the new version, ready to redo the change.
    assert 'value="30"' in html
    assert "First." in html
    assert 'value="2"' in html
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.percent, stored.notes, stored.version) == (30, "First.", 2)


def test_two_sessions_on_the_full_form_second_is_refused_and_told(client, world):
    from django.test import Client

    agency_task = world.task("T01")
    second = Client()
    client.force_login(world.ciso)
    second.force_login(world.ciso)
    form = {"version": 1, "status": "in_progress", "percent": 20, "owner": "Dana"}
    assert client.post(task_url(world, agency_task), form).status_code == 302
    response = second.post(task_url(world, agency_task), {**form, "percent": 70, "owner": "Eli"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved." in html
    assert "Your values were: in_progress, 70%" in html
    assert 'value="Dana"' in html  # the form shows what is stored now
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.percent, stored.owner) == (20, "Dana")


# --- Task page --------------------------------------------------------------------------------


def test_task_page_shows_status_evidence_extensions_and_history(client, world):
    agency_task = world.task("T01")
    services.agency_task_update(
        agency_task=agency_task, actor=world.ciso, version=1, status="in_progress", percent=50
    )
    LinkEvidenceFactory(agency_task=agency_task, uploaded_by=world.ciso, description="Scan")
    services.evidence_link_add(
        agency_task=agency_task, actor=world.ciso, url="https://records.example.gov/scan"
    )
    client.force_login(world.ciso)
    response = client.get(task_url(world, agency_task))
    html = response.content.decode()
    assert response.status_code == 200
    assert "T01" in html
    assert "Harden system 1" in html
    assert "https://records.example.gov/scan" in html
    assert "Casey Ng" in html  # who added the evidence / made the change
    # History: who, when, field before → after, including the evidence event.
    assert "Task: status changed" in html
    assert "Evidence: evidence added" in html
    assert "Not started" in html  # the status before the change
    assert "50%" in html
    assert "Save changes" in html
    assert "Upload file" in html
    assert "Request extension" in html


def test_a_change_the_system_made_is_shown_as_made_by_the_system(client, world):
    """Measured tasks' history is written by the system (derived progress, no actor): the
    page names it "System" instead of failing on the missing person."""
    agency_task = world.task("T01")
    audit_record(
        actor=None,
        action=AuditEvent.Action.DERIVE,
        instance=agency_task,
        agency_id=world.agency.pk,
        changes={"percent": [0, 40]},
    )
    client.force_login(world.ciso)
    response = client.get(task_url(world, agency_task))
    assert response.status_code == 200
    assert "by System" in response.content.decode()


def test_full_form_saves_and_redirects_back(client, world):
    agency_task = world.task("T02")
    client.force_login(world.ciso)
    response = client.post(
        task_url(world, agency_task),
        {
            "version": 1,
            "status": "blocked",
            "percent": 10,
            "blocked_reason": "Awaiting licences.",
            "owner": "Pat",
            "notes": "",
            "na_justification": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "T02 saved." in page
    assert "Awaiting licences." in page
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.status, stored.blocked_reason, stored.owner) == (
        "blocked",
        "Awaiting licences.",
        "Pat",
    )


def test_full_form_shows_a_refusal_on_its_field(client, world):
    agency_task = world.task("T02")
    client.force_login(world.ciso)
    response = client.post(
        task_url(world, agency_task),
        {"version": 1, "status": "not_applicable", "percent": 0, "na_justification": ""},
    )
    assert response.status_code == 422
    assert "Explain why this task does not apply to the agency." in response.content.decode()


def test_a_derived_task_shows_its_percent_as_measured(client, derived_world):
    agency_task = derived_world.task("T99")
    client.force_login(derived_world.ciso)
    html = client.get(task_url(derived_world, agency_task)).content.decode()
    assert "Measured from the agency's records." in html
    assert 'name="percent"' in html
    assert "disabled" in html


# --- Extensions -------------------------------------------------------------------------------


def _deadline(world):
    return local_date(world.directive.issued_at, NEW_YORK) + timedelta(days=30)


def test_requesting_an_extension_from_the_task_page(client, world):
    agency_task = world.task("T04")
    client.force_login(world.ciso)
    url = reverse(
        "tracking:extension_request_new",
        kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk},
    )
    wanted = _deadline(world) + timedelta(days=7)
    response = client.post(
        url, {"requested_due": wanted.isoformat(), "justification": "Vendor delay."}
    )
    assert response.status_code == 302
    assert response.url.endswith("#extensions")
    page = client.get(response.url).content.decode()
    assert "Extension requested." in page
    assert "Pending" in page
    assert "Vendor delay." in page
    assert "A request is pending" in page
    assert ExtensionRequest.objects.get().requested_due == wanted


def test_an_extension_too_far_out_is_refused_on_the_date_field(client, world, settings):
    settings.EXTENSION_MAX_DAYS_PAST_DEADLINE = 5
    agency_task = world.task("T04")
    client.force_login(world.ciso)
    url = reverse(
        "tracking:extension_request_new",
        kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk},
    )
    response = client.post(
        url,
        {
            "requested_due": (_deadline(world) + timedelta(days=6)).isoformat(),
            "justification": "x",
        },
    )
    assert response.status_code == 422
    assert "at most 5 days past the directive" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_the_extensions_page_shows_each_decision_with_oversights_comment(client, world):
    t1, t2, t3 = world.task("T01"), world.task("T02"), world.task("T03")
    for agency_task in (t1, t2, t3):
        services.extension_request_create(
            agency_task=agency_task,
            actor=world.ciso,
            requested_due=_deadline(world) + timedelta(days=2),
            justification=f"Need time for {agency_task.task.code}.",
        )
    _pending, approved, denied = ExtensionRequest.objects.order_by("agency_task__task__code")
    services.extension_request_decide(
        extension=approved, actor=world.oversight, approve=True, comment="Fine."
    )
    services.extension_request_decide(
        extension=denied, actor=world.oversight, approve=False, comment="Use a workaround."
    )
    client.force_login(world.ciso)
    html = client.get(
        reverse("tracking:extension_list", kwargs={"agency_id": world.agency.pk})
    ).content.decode()
    assert "Pending" in html
    assert "Approved" in html
    assert "Denied" in html
    assert "Awaiting decision" in html
    assert "“Fine.”" in html
    assert "“Use a workaround.”" in html
    assert "Olive Park" in html
