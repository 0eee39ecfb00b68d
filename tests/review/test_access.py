"""Access to the review queues: oversight's alone. A CISO gets 404 on every page, fragment
and decision (the queues name other agencies; even their own agency's items are reached
through their agency page, not here); leadership, read-only, gets the same 404 (the queues
are oversight's work lists) and can change nothing; signed-out visitors go to sign-in."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.tracking.models import AgencyTask, ExtensionRequest
from tests.review.scenario import HTMX, claimed_na, completed, extension_asked

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world):
    """One item in each queue, all of the CISO's own agency (the most tempting case)."""
    done = completed(world.task("T02"), world.ciso, file=True)
    na = claimed_na(world.task("T03"), world.ciso)
    extension = extension_asked(world.task("T01"), world.ciso)
    return {"done": done, "na": na, "extension": extension}


def urls(items) -> list[tuple[str, str, dict, dict]]:
    """(method, url, data, headers) for every page, htmx fragment and decision."""
    done, na, ext = items["done"], items["na"], items["extension"]
    task_post = {f"t{done.pk}-version": done.version, f"t{done.pk}-comment": "Looks fine."}
    na_post = {f"t{na.pk}-version": na.version, f"t{na.pk}-comment": "It applies."}
    ext_post = {f"x{ext.pk}-comment": "Fine."}
    return [
        ("get", reverse("review:verification_queue"), {}, {}),
        ("get", reverse("review:verification_queue"), {"agency": done.agency_id}, HTMX),
        ("get", reverse("review:na_queue"), {}, {}),
        ("get", reverse("review:na_queue"), {"page": 1}, HTMX),
        ("get", reverse("review:extension_queue"), {}, {}),
        ("get", reverse("review:extension_queue"), {"task": ext.agency_task.task_id}, HTMX),
        ("post", reverse("review:task_verify", kwargs={"pk": done.pk}), task_post, HTMX),
        ("post", reverse("review:task_return", kwargs={"pk": done.pk}), task_post, {}),
        ("post", reverse("review:na_accept", kwargs={"pk": na.pk}), na_post, HTMX),
        ("post", reverse("review:na_reject", kwargs={"pk": na.pk}), na_post, {}),
        ("post", reverse("review:extension_approve", kwargs={"pk": ext.pk}), ext_post, HTMX),
        ("post", reverse("review:extension_deny", kwargs={"pk": ext.pk}), ext_post, {}),
    ]


NAMES = [
    "verification page",
    "verification fragment",
    "not-applicable page",
    "not-applicable fragment",
    "extension page",
    "extension fragment",
    "verify",
    "return",
    "accept claim",
    "reject claim",
    "approve extension",
    "deny extension",
]


def _state() -> tuple:
    return (
        sorted(AgencyTask.objects.values_list("pk", "status", "version")),
        sorted(ExtensionRequest.objects.values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("index", range(len(NAMES)), ids=NAMES)
@pytest.mark.parametrize("role", ["ciso", "other_ciso", "leadership"])
def test_everyone_but_oversight_gets_404_and_changes_nothing(client, world, items, role, index):
    method, url, data, headers = urls(items)[index]
    client.force_login(getattr(world, role))
    before = _state()
    response = getattr(client, method)(url, data, **headers)
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("index", range(len(NAMES)), ids=NAMES)
def test_signed_out_visitors_are_sent_to_sign_in(client, world, items, index):
    method, url, data, headers = urls(items)[index]
    before = _state()
    response = getattr(client, method)(url, data, **headers)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _state() == before


@pytest.mark.parametrize(
    "index", [i for i, n in enumerate(NAMES) if "page" in n or "fragment" in n]
)
def test_oversight_reads_every_queue(client, world, items, index):
    method, url, data, headers = urls(items)[index]
    client.force_login(world.oversight)
    assert getattr(client, method)(url, data, **headers).status_code == 200


@pytest.mark.parametrize(
    "name", ["review:task_verify", "review:na_accept", "review:extension_approve"]
)
def test_decisions_refuse_get(client, world, items, name):
    pk = {"review:task_verify": items["done"], "review:na_accept": items["na"]}.get(
        name, items["extension"]
    ).pk
    client.force_login(world.oversight)
    assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 405


def test_a_task_of_another_directive_is_missing(client, world, items):
    from tests.tracking.scenario import assign, directive_at_day

    old = directive_at_day(40, tasks=1)
    (old_task,) = assign(old, world.agency)
    client.force_login(world.oversight)
    # The screens follow the current directive (the latest issued): an older one's task is
    # not on its clock, so it cannot be decided here.
    response = client.post(
        reverse("review:task_verify", kwargs={"pk": old_task.pk}), {f"t{old_task.pk}-version": 1}
    )
    assert response.status_code == 404


def test_the_nav_shows_the_review_links_to_oversight_only(client, world):
    for user, shown in ((world.oversight, True), (world.leadership, False), (world.ciso, False)):
        client.force_login(user)
        page = client.get(reverse("home"), follow=True).content.decode()
        assert (reverse("review:verification_queue") in page) is shown
        assert (reverse("review:extension_queue") in page) is shown
        assert (reverse("audit:log") in page) is shown
