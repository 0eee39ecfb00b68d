"""A report shows the fleet as it stood when it was requested, and never changes."""

import hashlib

import pytest
from django.urls import reverse

from apps.readiness.models import AgencyReadiness
from apps.reports.models import Report
from apps.reports.services import report_render, report_request
from apps.tracking.services import agency_task_update
from tests.reports.helpers import page_texts, pct, pdf_bytes, spi

pytestmark = pytest.mark.django_db


def test_changes_after_the_request_do_not_reach_the_report(
    fleet, django_capture_on_commit_callbacks
):
    behind = fleet.agencies[2]
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started yet
        report = report_request(actor=fleet.oversight, scope="fleet")
    was = AgencyReadiness.objects.get(agency=behind)

    # Between the request and the render, the CISO updates a task (audited, as every
    # change is) and the engine recomputes.
    t01 = fleet.agency_task(behind, "T01")
    agency_task_update(
        agency_task=t01, actor=fleet.cisos[behind.pk], version=t01.version,
        status="in_progress", percent=90, owner="New owner",
    )  # fmt: skip
    fleet.recompute()
    now = AgencyReadiness.objects.get(agency=behind)
    assert now.ev > was.ev  # the live figures moved on

    report = report_render(report_id=report.pk)
    assert report.status == Report.Status.DONE, report.error
    text = " ".join(page_texts(pdf_bytes(report))[1])
    assert (
        f"{behind.display_name} Independent Red {pct(was.ev)} {pct(was.pv)} {spi(was.spi)}" in text
    )
    assert pct(now.ev) not in text.split(behind.display_name)[1][:40]
    # The overdue list rebuilds the task as it stood: 40 %, its old owner.
    assert "T01: Complete the asset inventory M1" in text
    assert "In progress 40% Owner T01" in text
    assert "New owner" not in text
    assert "In progress 90%" not in text


def test_downloading_twice_gives_the_same_bytes_and_a_done_report_is_never_rendered_again(
    fleet, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=fleet.leadership, scope="fleet")
    report.refresh_from_db()
    client.force_login(fleet.leadership)
    url = reverse("reports:report_download", kwargs={"pk": report.pk})
    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == report.sha256
    assert len(first) == report.size

    stamp, name = report.updated_at, report.file.name
    fleet.recompute()
    again = report_render(report_id=report.pk)  # a redelivered job, say
    again.refresh_from_db()
    assert (again.status, again.file.name, again.sha256, again.updated_at) == (
        Report.Status.DONE, name, report.sha256, stamp,
    )  # fmt: skip
    assert b"".join(client.get(url).streaming_content) == first
