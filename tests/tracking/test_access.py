"""Access: a CISO never reaches another agency's records (404, as if missing), and
oversight and leadership read every agency but change nothing here (403)."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.tracking import services
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from tests.tracking import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    """Agency B's task with a file, and the ids needed to address everything of B."""
    task_b = world.task("T01", agency=world.other_agency)
    evidence = services.evidence_file_add(
        agency_task=task_b, actor=world.other_ciso, upload=files.upload("b.pdf", files.PDF)
    )
    return {"agency_id": world.other_agency.pk, "task": task_b.pk, "evidence": evidence.pk}


def urls_of(ids: dict, agency_id: int | None = None) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every page, fragment, download and form of one agency."""
    a = agency_id or ids["agency_id"]
    t = {"agency_id": a, "pk": ids["task"]}
    post = {"version": 1, "status": "in_progress", "percent": 50}
    return [
        ("get", reverse("tracking:agency_detail", kwargs={"agency_id": a}), {}),
        ("get", reverse("tracking:extension_list", kwargs={"agency_id": a}), {}),
        ("get", reverse("tracking:agency_task_detail", kwargs=t), {}),
        ("get", reverse("tracking:agency_task_row", kwargs=t), {}),
        ("get", reverse("tracking:agency_task_row", kwargs=t) + "?edit=1", {}),
        (
            "get",
            reverse("tracking:evidence_download", kwargs={"agency_id": a, "pk": ids["evidence"]}),
            {},
        ),
        (
            "post",
            reverse("tracking:agency_task_row", kwargs=t),
            {f"t{ids['task']}-{k}": v for k, v in post.items()},
        ),
        ("post", reverse("tracking:agency_task_detail", kwargs=t), post),
        ("post", reverse("tracking:evidence_add", kwargs=t), {"url": "https://x.example/"}),
        (
            "post",
            reverse("tracking:extension_request_new", kwargs=t),
            {"requested_due": "2030-01-01", "justification": "x"},
        ),
    ]


URL_NAMES = [
    "agency page",
    "extensions page",
    "task page",
    "task row fragment",
    "task row editor fragment",
    "evidence download",
    "inline update",
    "full update",
    "add evidence",
    "request extension",
]
WRITES = {"inline update", "full update", "add evidence", "request extension"}


def _call(client, method: str, url: str, data: dict):
    response = getattr(client, method)(url, data)
    if response.streaming:
        # Reading a download to its end makes the test client close the file it streams.
        b"".join(response.streaming_content)
    return response


def _nothing_changed(task_pk: int) -> None:
    task = AgencyTask.objects.get(pk=task_pk)
    assert (task.status, task.version) == ("not_started", 1)
    assert Evidence.objects.filter(agency_task_id=task_pk).count() == 1
    assert not ExtensionRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["status", "update", "request"]).exists()


@pytest.mark.parametrize("index", range(len(URL_NAMES)), ids=URL_NAMES)
def test_a_ciso_gets_404_for_everything_of_another_agency(client, world, records, index):
    client.force_login(world.ciso)
    method, url, data = urls_of(records)[index]
    assert _call(client, method, url, data).status_code == 404
    _nothing_changed(records["task"])


WITH_RECORD_ID = [i for i, name in enumerate(URL_NAMES) if "page" not in name or "task" in name]


@pytest.mark.parametrize("index", WITH_RECORD_ID, ids=[URL_NAMES[i] for i in WITH_RECORD_ID])
def test_another_agencys_record_under_my_agencys_url_is_missing_too(client, world, records, index):
    client.force_login(world.ciso)
    method, url, data = urls_of(records, agency_id=world.agency.pk)[index]
    assert _call(client, method, url, data).status_code == 404
    _nothing_changed(records["task"])


@pytest.mark.parametrize("index", range(len(URL_NAMES)), ids=URL_NAMES)
@pytest.mark.parametrize("who", ["oversight", "leadership"])
def test_oversight_and_leadership_read_everything_and_change_nothing(
    client, world, records, who, index
):
    client.force_login(getattr(world, who))
    method, url, data = urls_of(records)[index]
    response = _call(client, method, url, data)
    name = URL_NAMES[index]
    expected = 403 if name in WRITES or name == "task row editor fragment" else 200
    assert response.status_code == expected
    _nothing_changed(records["task"])


@pytest.mark.parametrize("index", range(len(URL_NAMES)), ids=URL_NAMES)
def test_signed_out_visitors_are_sent_to_sign_in(client, records, index):
    method, url, data = urls_of(records)[index]
    response = _call(client, method, url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["oversight", "leadership"])
def test_read_only_pages_show_no_edit_controls(client, world, who):
    client.force_login(getattr(world, who))
    agency_task = world.task("T01")
    pages = [
        reverse("tracking:agency_detail", kwargs={"agency_id": world.agency.pk}),
        reverse(
            "tracking:agency_task_detail",
            kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk},
        ),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Read only." in html
        assert "?edit=1" not in html
        assert 'enctype="multipart/form-data"' not in html
        assert "Request extension" not in html
        assert "Save changes" not in html
