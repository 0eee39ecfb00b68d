"""Query counts of the CISO's pages: the same with 3 rows as with 30 (no N+1), measured
after a warm-up request (Wagtail's practice: caches such as the session and content types
are filled first).

Each test builds an agency with `n` tasks (and as many evidence records, extension
requests and history events on the task page), warms up, then counts. Counts are pinned
exactly so a new query per page shows up in review; the comment says what each one is."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.readiness.clock import local_date
from apps.readiness.models import AgencyReadiness
from apps.tracking import services
from apps.tracking.models import ExtensionRequest
from tests.tracking import files
from tests.tracking.scenario import NEW_YORK, build_world

pytestmark = pytest.mark.django_db


def _world(n: int):
    world = build_world(tasks=n)
    AgencyReadiness.objects.create(
        agency=world.agency,
        directive=world.directive,
        computed_at=timezone.now(),
        day_number=12,
        ev=0.3,
        pv=0.4,
        spi=0.75,
        rating="amber",
    )
    return world


def _busy_task(world, n: int):
    """One task with n evidence records (files and links), n extension requests and the
    history they make."""
    agency_task = world.task("T01")
    deadline = local_date(world.directive.issued_at, NEW_YORK) + timedelta(days=30)
    for i in range(n):
        if i % 2:
            services.evidence_link_add(
                agency_task=agency_task, actor=world.ciso, url=f"https://r.example/{i}"
            )
        else:
            services.evidence_file_add(
                agency_task=agency_task,
                actor=world.ciso,
                upload=files.upload(f"{i}.pdf", files.PDF),
            )
        extension = services.extension_request_create(
            agency_task=agency_task,
            actor=world.ciso,
            requested_due=deadline + timedelta(days=1 + i % 20),
            justification=f"Reason {i}",
        )
        services.extension_request_decide(
            extension=extension, actor=world.oversight, approve=False, comment=f"No {i}"
        )
    assert ExtensionRequest.objects.count() == n
    # Completed, verified and returned: the history names oversight in a field.
    agency_task.refresh_from_db()
    for step in (
        lambda t: services.agency_task_update(
            agency_task=t, actor=world.ciso, version=t.version, status="completed"
        ),
        lambda t: services.agency_task_verify(
            agency_task=t, actor=world.oversight, version=t.version
        ),
        lambda t: services.agency_task_return(
            agency_task=t, actor=world.oversight, version=t.version, comment="Redo."
        ),
    ):
        step(agency_task)
        agency_task.refresh_from_db()
    return agency_task


# What every signed-in request costs: the session and the user.
BASE = 2
# What a whole page adds: the header's notice count (an htmx fragment has no header).
HEADER = 1
# Agency page: agency; directive; the task rows with evidence counts and pending flags; the
# agency's figures; the fleet's EV and SPI for the medians. (The directive's milestones, its
# schedule, are cached after the warm-up.)
AGENCY_PAGE = BASE + HEADER + 5
# Task page: the task; directive; evidence; extensions; history; people named in the history.
TASK_PAGE = BASE + HEADER + 6


@pytest.mark.parametrize("n", [3, 30])
def test_agency_page_queries_do_not_grow_with_tasks(client, django_assert_num_queries, n):
    world = _world(n)
    url = reverse("tracking:agency_detail", kwargs={"agency_id": world.agency.pk})
    client.force_login(world.ciso)
    client.get(url)
    with django_assert_num_queries(AGENCY_PAGE):
        response = client.get(url)
    assert response.content.decode().count('class="task-row') == n


@pytest.mark.parametrize("n", [3, 30])
def test_filtered_agency_page_queries_do_not_grow(client, django_assert_num_queries, n):
    world = _world(n)
    url = reverse("tracking:agency_detail", kwargs={"agency_id": world.agency.pk})
    client.force_login(world.oversight)
    client.get(url, {"status": "not_started", "clock": "overdue"})
    with django_assert_num_queries(AGENCY_PAGE):
        client.get(url, {"status": "not_started", "clock": "overdue"})


@pytest.mark.parametrize("n", [3, 30])
def test_task_page_queries_do_not_grow_with_evidence_extensions_or_history(
    client, django_assert_num_queries, n
):
    world = _world(3)
    agency_task = _busy_task(world, n)
    url = reverse(
        "tracking:agency_task_detail", kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk}
    )
    client.force_login(world.ciso)
    client.get(url)
    with django_assert_num_queries(TASK_PAGE):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Reason ") == 2 * n  # in the extensions table and in the history


@pytest.mark.parametrize("n", [3, 30])
def test_extensions_page_queries_do_not_grow(client, django_assert_num_queries, n):
    world = _world(3)
    _busy_task(world, n)
    url = reverse("tracking:extension_list", kwargs={"agency_id": world.agency.pk})
    client.force_login(world.ciso)
    client.get(url)
    # agency; directive; the requests with task, requester and decider.
    with django_assert_num_queries(BASE + HEADER + 3):
        response = client.get(url)
    assert response.content.decode().count("Reason ") == n


@pytest.mark.parametrize("n", [3, 30])
def test_row_fragment_queries_do_not_grow(client, django_assert_num_queries, n):
    world = _world(n)
    agency_task = world.task("T01")
    url = reverse(
        "tracking:agency_task_row", kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk}
    )
    client.force_login(world.ciso)
    client.get(url + "?edit=1")
    # the task (scoped, annotated); directive. The editor check asks the task in hand, and
    # the schedule is cached after the warm-up.
    with django_assert_num_queries(BASE + 2):
        client.get(url + "?edit=1")
