"""Evidence: files checked by content (not by name or claimed type), size-limited, hashed,
stored under a random name, downloaded only through the permission-checked view; links
over http(s) only."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError, InvalidTransition
from apps.tracking import services
from apps.tracking.evidence import evidence_file_check
from apps.tracking.models import AgencyTask, Evidence
from tests.tracking import files
from tests.tracking.scenario import put_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", files.PDF, "application/pdf"),
        ("diagram.png", files.PNG, "image/png"),
        ("photo.jpg", files.JPEG, "image/jpeg"),
        ("photo.JPEG", files.JPEG, "image/jpeg"),
        ("log.txt", files.TEXT, "text/plain; charset=utf-8"),
        ("assets.csv", files.CSV, "text/csv; charset=utf-8"),
        (
            "plan.docx",
            files.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "inventory.xlsx",
            files.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content(name, content, content_type):
    # The browser's claimed type is ignored: always octet-stream here.
    checked = evidence_file_check(files.upload(name, content))
    assert checked.kind.content_type == content_type
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.pdf", files.EXE, "its content is an executable program (EXE)"),
        ("report.pdf", files.ELF, "its content is an executable program (ELF)"),
        ("setup.exe", files.EXE, "“setup.exe” is not an accepted type"),
        ("archive.zip", files.PLAIN_ZIP, "not an accepted type"),
        ("plan.docx", files.PLAIN_ZIP, "named like a DOCX file, but its content is"),
        ("book.xlsx", files.DOCX, "contains a DOCX file but is named .xlsx"),
        ("diagram.pdf", files.PNG, "contains a PNG file but is named .pdf"),
        ("notes.txt", b"binary\x00data", "named like a TXT file, but its content"),
        ("notes.txt", b"caf\xe9 latin-1", "named like a TXT file, but its content"),
        ("notes.txt", files.PDF, "contains a PDF file but is named .txt"),
        ("README", files.TEXT, "is not an accepted type"),
    ],
)
def test_wrong_types_are_refused_with_a_clear_message(name, content, says):
    with pytest.raises(DomainError) as refused:
        evidence_file_check(files.upload(name, content, "application/pdf"))
    assert refused.value.field == "file"
    assert says in refused.value.message
    assert "Accepted: PDF, PNG, JPEG, TXT, CSV, DOCX, XLSX" in refused.value.message or (
        "Rename it" in refused.value.message
    )


def test_a_file_over_the_limit_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
    big = files.PDF + b"0" * (10 * 1024 * 1024 + 1 - len(files.PDF))
    with pytest.raises(DomainError) as refused:
        evidence_file_check(files.upload("big.pdf", big))
    assert refused.value.message == (
        "The file is too big: 10.0 MB (10,485,761 bytes). "
        "Evidence files may be at most 10.0 MB (10,485,760 bytes)."
    )


def test_a_file_at_the_limit_is_accepted(settings):
    settings.EVIDENCE_MAX_BYTES = 4096
    content = files.PDF + b"0" * (4096 - len(files.PDF))
    assert evidence_file_check(files.upload("ok.pdf", content)).size == 4096


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError, match="empty"):
        evidence_file_check(files.upload("empty.txt", b""))


def test_the_original_name_loses_any_path():
    checked = evidence_file_check(files.upload("..\\..\\etc/scan.pdf", files.PDF))
    assert checked.original_name == "scan.pdf"


def test_upload_stores_the_file_under_a_random_name_with_its_hash_and_audits(world):
    agency_task = world.task("T01")
    evidence = services.evidence_file_add(
        agency_task=agency_task,
        actor=world.ciso,
        upload=files.upload("scan.pdf", files.PDF),
        description="Asset scan",
    )
    evidence.refresh_from_db()
    assert evidence.kind == Evidence.Kind.FILE
    assert evidence.original_name == "scan.pdf"
    assert "scan" not in evidence.file.name
    assert evidence.file.name.startswith(f"evidence/{world.agency.pk}/")
    assert evidence.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert evidence.uploaded_by == world.ciso
    with evidence.file.open("rb") as stored:
        assert stored.read() == files.PDF
    event = AuditEvent.objects.get(object_type="evidence", object_id=str(evidence.pk))
    assert event.action == AuditEvent.Action.UPLOAD
    assert event.changes["sha256"] == [None, evidence.sha256]
    assert event.changes["original_name"] == [None, "scan.pdf"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://host/x", "data:text/html,x", "x"]
)
def test_links_must_be_http_or_https(world, url):
    with pytest.raises(DomainError, match="http:// or https://"):
        services.evidence_link_add(agency_task=world.task("T01"), actor=world.ciso, url=url)


@pytest.mark.parametrize(
    "url", ["https://exa mple.gov/scan", "https://-bad-.gov/x", "https://example..gov/", "http://"]
)
def test_a_link_needs_a_host_that_can_exist(world, url):
    with pytest.raises(DomainError) as excinfo:
        services.evidence_link_add(agency_task=world.task("T01"), actor=world.ciso, url=url)
    assert excinfo.value.field == "url"
    assert not world.task("T01").evidence.exists()


def test_a_link_is_evidence_too(world):
    evidence = services.evidence_link_add(
        agency_task=world.task("T01"),
        actor=world.ciso,
        url=" https://records.example.gov/scan/42 ",
    )
    assert (evidence.kind, evidence.url) == ("link", "https://records.example.gov/scan/42")


def test_nobody_else_adds_evidence_and_a_verified_task_takes_none(world):
    agency_task = world.task("T01")
    for actor in (world.oversight, world.leadership, world.other_ciso):
        with pytest.raises(PermissionDenied):
            services.evidence_link_add(
                agency_task=agency_task, actor=actor, url="https://records.example.gov/"
            )
    put_in(agency_task, AgencyTask.Status.VERIFIED, reviewer=world.oversight)
    with pytest.raises(InvalidTransition):
        services.evidence_link_add(
            agency_task=agency_task, actor=world.ciso, url="https://records.example.gov/"
        )


# --- Through the views -----------------------------------------------------------------------


def _evidence_url(world, agency_task):
    return reverse(
        "tracking:evidence_add", kwargs={"agency_id": world.agency.pk, "pk": agency_task.pk}
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", files.EXE, "but its content is an executable program (EXE)"),
        ("archive.zip", files.PLAIN_ZIP, "is not an accepted type"),
    ],
)
def test_the_page_explains_a_refused_upload(client, world, name, content, message):
    client.force_login(world.ciso)
    agency_task = world.task("T01")
    response = client.post(_evidence_url(world, agency_task), {"file": files.upload(name, content)})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_page_explains_a_too_big_upload(client, world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(world.ciso)
    response = client.post(
        _evidence_url(world, world.task("T01")),
        {"file": files.upload("scan.pdf", files.PDF + b"0" * 2000)},
    )
    assert response.status_code == 422
    assert "Evidence files may be at most 1.0 KB (1,024 bytes)." in response.content.decode()


def test_upload_then_download_through_the_checked_view(client, world):
    client.force_login(world.ciso)
    agency_task = world.task("T01")
    response = client.post(
        _evidence_url(world, agency_task),
        {"file": files.upload("scan.pdf", files.PDF), "description": "Scan"},
    )
    assert response.status_code == 302
    assert response.url.endswith("#evidence")
    evidence = Evidence.objects.get()
    download = reverse(
        "tracking:evidence_download", kwargs={"agency_id": world.agency.pk, "pk": evidence.pk}
    )
    page = client.get(response.url.split("#")[0]).content.decode()
    assert download in page
    assert "/media" not in page
    for user in (world.ciso, world.oversight, world.leadership):
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == 200
        # Read to the end, which also closes the streamed file.
        assert b"".join(response.streaming_content) == files.PDF
        assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def test_a_link_is_added_from_the_page(client, world):
    client.force_login(world.ciso)
    response = client.post(
        _evidence_url(world, world.task("T01")), {"url": "https://records.example.gov/1"}
    )
    assert response.status_code == 302
    assert Evidence.objects.get().url == "https://records.example.gov/1"


def test_a_link_has_no_download(client, world):
    client.force_login(world.ciso)
    services.evidence_link_add(
        agency_task=world.task("T01"), actor=world.ciso, url="https://records.example.gov/"
    )
    evidence = Evidence.objects.get()
    response = client.get(
        reverse(
            "tracking:evidence_download", kwargs={"agency_id": world.agency.pk, "pk": evidence.pk}
        )
    )
    assert response.status_code == 404
