"""Query counts of the queue pages: at most 15, and the same with 50 agencies as with 500
(each with an item in every queue, evidence from several people), measured after a warm-up
request (Wagtail's practice). The counts are pinned so a new query shows up in review:

  1 session, 2 user, 3 directive (its milestones, for the effective dues, are cached after
  the warm-up), 4 agencies and 5 tasks (filter choices), 6 the page's count, 7 the page of
  rows, [8 their evidence with who added it: task queues], then the tabs' counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from tests.review.scenario import HTMX
from tests.tracking.scenario import build_world

pytestmark = pytest.mark.django_db
S = AgencyTask.Status


def _grow_fleet(world, upto: int) -> None:
    """Agencies, each with a CISO, a completed task with two pieces of evidence (a link and
    a file), a not-applicable claim and a pending extension request, until there are
    `upto` of them (bulk inserts: set-up, not the product's writes)."""
    have = Agency.objects.filter(name__startswith="Fleet agency").count()
    agencies = Agency.objects.bulk_create(
        Agency(name=f"Fleet agency {i:04d}", abbreviation=f"FA{i:04d}", kind="independent")
        for i in range(have, upto)
    )
    users = User.objects.bulk_create(
        User(username=f"ciso-fa{a.pk}", role=User.Role.AGENCY_CISO, agency=a, last_name=a.name)
        for a in agencies
    )
    tasks = {t.code: t for t in world.directive.tasks.all()}
    now = timezone.now()
    rows = []
    for a in agencies:
        rows += [
            AgencyTask(agency=a, task=tasks["T02"], status=S.COMPLETED, percent=100,
                       completed_at=now),
            AgencyTask(agency=a, task=tasks["T03"], status=S.NOT_APPLICABLE,
                       na_justification="No such system."),
            AgencyTask(agency=a, task=tasks["T01"]),
        ]  # fmt: skip
    rows = AgencyTask.objects.bulk_create(rows)
    ciso = {u.agency_id: u for u in users}
    evidence = []
    for at in rows:
        if at.status == S.NOT_STARTED:
            continue
        evidence += [
            Evidence(agency_task=at, kind="link", url="https://r.example/",
                     uploaded_by=ciso[at.agency_id]),
            Evidence(agency_task=at, kind="file", file=f"evidence/{at.agency_id}/x",
                     original_name="scan.pdf", size=100, sha256="a" * 64,
                     uploaded_by=world.oversight),
        ]  # fmt: skip
    Evidence.objects.bulk_create(evidence)
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(agency_task=at, requested_due=now.date(), justification="More time.",
                         requested_by=ciso[at.agency_id])
        for at in rows
        if at.status == S.NOT_STARTED
    )  # fmt: skip


def _count(client, url, **headers) -> int:
    client.get(url, **headers)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "headers", "expected"),
    [
        # Each with the header's notice count.
        ("review:verification_queue", {}, 10),
        ("review:na_queue", {}, 10),
        ("review:extension_queue", {}, 9),
        ("review:verification_queue", HTMX, 10),
    ],
    ids=["verification", "not applicable", "extensions", "verification via htmx"],
)
def test_queue_pages_cost_the_same_with_50_and_500_agencies(client, name, headers, expected):
    world = build_world(tasks=8)
    client.force_login(world.oversight)
    url = reverse(name)

    _grow_fleet(world, 50)
    at_50 = _count(client, url, **headers)
    _grow_fleet(world, 500)
    at_500 = _count(client, url, **headers)

    assert at_50 == at_500 == expected
    assert expected <= 15
