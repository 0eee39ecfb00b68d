"""The demo data (`seed_demo`) in the test database server, seeded once per run and shared.

Pages are tested on the data a new user meets, not only on factories (STYLE rule 18): a
template that breaks on real history must fail `make test`. Seeding takes ~13 s, so it runs
once per pytest session, into a PostgreSQL database of its own (the test database's name +
`_demo`), which then serves as a template: each consumer gets a copy (`CREATE DATABASE …
TEMPLATE`, ~0.4 s for ~100 MB) and the test database proper stays empty for every other test.

Fixtures:

- `demo_template` (session): the seeded template's name, its media folder and the ids of
  the objects a sweep needs (`DemoObjects`).
- `demo_db` (module): switches the default connection to a fresh copy for the whole module.
  Tests use `db` as usual, so each one's writes roll back and the copy stays the demo.
- `demo_db_function` (function): a fresh copy for one test, for tests that commit
  (`live_server`, `transactional_db`): their flush empties the copy, which is then dropped.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections


@dataclass
class DemoObjects:
    """Real ids in the seeded demo, one of each kind of object a page can be opened on."""

    agencies: dict[str, int] = field(default_factory=dict)  # CISO username -> agency id
    tasks: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (agency, task)
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (agency, pk)
    deployments: list[tuple[int, int]] = field(default_factory=list)  # (agency, pk)
    extensions: dict[str, int] = field(default_factory=dict)  # status -> pk
    reports: dict[str, int] = field(default_factory=dict)  # scope -> pk
    notices: dict[str, int] = field(default_factory=dict)  # username -> pk


@dataclass
class DemoDatabase:
    name: str
    media_root: Path
    objects: DemoObjects


def _admin_sql(sql: str) -> None:
    """Run `sql` outside any database transaction (CREATE/DROP DATABASE)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _copy_database(source: str, target: str) -> None:
    # A template may have no other session; Django's own connections are closed first and
    # leftovers (a live server's thread) are ended.
    connections.close_all()
    _admin_sql(f"DROP DATABASE IF EXISTS {_quote(target)} WITH (FORCE)")
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [source],
        )
    _admin_sql(f"CREATE DATABASE {_quote(target)} TEMPLATE {_quote(source)}")


def _drop_database(name: str) -> None:
    connections.close_all()
    _admin_sql(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


@contextlib.contextmanager
def using_database(name: str) -> Iterator[None]:
    """Point the default connection (and every connection opened from its settings, such as
    a live server's threads or the readiness engine's second connection) at `name`."""
    connections.close_all()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = original


def _seed(media_root: Path) -> DemoObjects:
    """seed_demo as a new user runs it, then the few objects the demo does not make yet."""
    from apps.accounts.models import User
    from apps.agencies.models import Agency
    from apps.deployments.models import ToolDeployment
    from apps.directives.models import Task
    from apps.reports.models import Report
    from apps.reports.services import report_render, report_request
    from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
    from apps.tracking.services import evidence_file_add
    from tests.tracking.files import PDF

    settings.MEDIA_ROOT = str(media_root)
    call_command("seed_demo", stdout=io.StringIO())
    found = DemoObjects()
    cisos = User.objects.filter(role=User.Role.AGENCY_CISO).order_by("username")
    found.agencies = {u.username: u.agency_id for u in cisos}
    mine = list(found.agencies.values())
    tasks = AgencyTask.objects.filter(agency_id__in=mine).order_by("agency_id", "task__code")

    def first(**lookups) -> tuple[int, int] | None:
        row = tasks.filter(**lookups).values_list("agency_id", "pk").first()
        return tuple(row) if row else None

    S = AgencyTask.Status
    kinds = {
        "manual": first(task__measure=Task.Measure.MANUAL),
        "manual_in_progress": first(task__measure=Task.Measure.MANUAL, status=S.IN_PROGRESS),
        "manual_blocked": first(status=S.BLOCKED),
        "manual_completed": first(task__measure=Task.Measure.MANUAL, status=S.COMPLETED),
        "verified": first(status=S.VERIFIED),
        "returned": first(returned_at__isnull=False),
        "not_applicable_claim": first(status=S.NOT_APPLICABLE, na_accepted_at__isnull=True),
        "not_applicable_accepted": first(status=S.NOT_APPLICABLE, na_accepted_at__isnull=False),
        "extended": first(extended_due__isnull=False),
        "extension_pending": first(extension_requests__status=ExtensionRequest.Status.PENDING),
    }
    for measure in Task.Measure.values:
        kinds[f"measure_{measure}"] = first(task__measure=measure)
    found.tasks = {kind: ids for kind, ids in kinds.items() if ids is not None}

    ciso = cisos.get(username="ciso")
    target = AgencyTask.objects.filter(agency=ciso.agency).order_by("task__code").first()
    pdf = SimpleUploadedFile("scan-summary.pdf", PDF, content_type="application/pdf")
    upload = evidence_file_add(agency_task=target, actor=ciso, upload=pdf)
    found.evidence["file"] = (target.agency_id, upload.pk)
    link = Evidence.objects.filter(kind=Evidence.Kind.LINK, agency_task__agency_id__in=mine)
    link = link.values_list("agency_task__agency_id", "pk").first()
    if link:
        found.evidence["link"] = tuple(link)

    deployments = ToolDeployment.objects.filter(agency_id__in=mine).order_by("agency_id", "pk")
    found.deployments = [tuple(r) for r in deployments.values_list("agency_id", "pk")[:2]]
    for status in ExtensionRequest.Status.values:
        pk = (
            ExtensionRequest.objects.filter(status=status, agency_task__agency_id__in=mine)
            .values_list("pk", flat=True)
            .first()
        )
        if pk:
            found.extensions[status] = pk

    # A finished agency report (rendering one takes ~1 s) and a fleet report still queued
    # (the fleet's ~80 pages would take many seconds): both states have pages to open.
    agency = Agency.objects.get(pk=ciso.agency_id)
    requested = report_request(actor=None, scope=Report.Scope.AGENCY, agency=agency, enqueue=False)
    found.reports["agency_done"] = report_render(report_id=requested.pk).pk
    queued = report_request(actor=None, scope=Report.Scope.FLEET, agency=None, enqueue=False)
    found.reports["fleet_queued"] = queued.pk
    found.notices["ciso"] = _notice_for(ciso, report_id=found.reports["agency_done"])
    return found


def _notice_for(user, *, report_id: int) -> int:
    """One notice in `user`'s inbox, logged by the service a change uses (the demo's history
    is written directly, so it tells no one)."""
    from django.urls import reverse

    from apps.notices.models import Notice
    from apps.notices.services import notices_add

    key = f"report:{report_id}"
    notices_add(users=[user], kind=Notice.Kind.REPORT_READY, item_key=key,
                subject=f"Agency report #{report_id} is ready",
                link=reverse("reports:report_detail", kwargs={"pk": report_id}))  # fmt: skip
    return Notice.objects.get(user=user, item_key=key).pk


@pytest.fixture(scope="session")
def demo_template(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[DemoDatabase]:
    test_name = connection.settings_dict["NAME"]
    name = f"{test_name}_demo"
    media_root = tmp_path_factory.mktemp("demo-media")
    original_media = settings.MEDIA_ROOT
    with django_db_blocker.unblock():
        _copy_database(test_name, name)
        try:
            with using_database(name):
                objects = _seed(media_root)
        finally:
            settings.MEDIA_ROOT = original_media
    yield DemoDatabase(name=name, media_root=media_root, objects=objects)
    with django_db_blocker.unblock():
        _drop_database(name)


@contextlib.contextmanager
def _demo_copy(template: DemoDatabase, suffix: str, blocker) -> Iterator[DemoDatabase]:
    name = f"{template.name}_{suffix}"
    with blocker.unblock():
        _copy_database(template.name, name)
    try:
        with using_database(name):
            yield DemoDatabase(name=name, media_root=template.media_root, objects=template.objects)
    finally:
        with blocker.unblock():
            _drop_database(name)


@pytest.fixture(scope="module")
def demo_db(demo_template, django_db_blocker) -> Iterator[DemoDatabase]:
    with _demo_copy(demo_template, "m", django_db_blocker) as copy:
        yield copy


@pytest.fixture
def demo_db_function(demo_template, django_db_blocker) -> Iterator[DemoDatabase]:
    with _demo_copy(demo_template, "f", django_db_blocker) as copy:
        yield copy


@pytest.fixture
def demo_media(demo_template, settings) -> Path:
    """MEDIA_ROOT at the demo's files (evidence, reports), for tests that download them."""
    settings.MEDIA_ROOT = str(demo_template.media_root)
    return demo_template.media_root
