"""Who may request and read which report, through every URL: a CISO only their own
agency's (another agency's answers 404, as if missing), oversight and leadership all,
anonymous users are sent to sign in."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from apps.reports.models import Report
from apps.reports.services import report_request
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db

REQUEST = reverse("reports:report_request")


def _urls(report: Report) -> list[str]:
    return [
        reverse(f"reports:{name}", kwargs={"pk": report.pk})
        for name in ("report_detail", "report_status", "report_download")
    ]


def status_of(client, url: str) -> int:
    """GET, reading a download to its end (the test client then closes its file)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.fixture
def reports(fleet, django_capture_on_commit_callbacks):
    """A done report of agency A (the bureau), one of agency B, and a fleet report."""
    a, b = fleet.agencies[0], fleet.agencies[1]
    with django_capture_on_commit_callbacks(execute=True):
        mine = report_request(actor=fleet.cisos[a.pk], scope="agency", agency=a)
        theirs = report_request(actor=fleet.cisos[b.pk], scope="agency", agency=b)
        whole = report_request(actor=fleet.oversight, scope="fleet")
    for r in (mine, theirs, whole):
        r.refresh_from_db()
        assert r.status == Report.Status.DONE
    return {"a": mine, "b": theirs, "fleet": whole}


def test_a_ciso_reads_their_agencys_report_and_gets_404_for_anothers_and_the_fleets(
    fleet, reports, client
):
    client.force_login(fleet.cisos[fleet.agencies[0].pk])
    for url in _urls(reports["a"]):
        assert status_of(client, url) == 200, url
    missing = ReportFactory.build(pk=999999)
    for url in _urls(reports["b"]) + _urls(reports["fleet"]) + _urls(missing):
        assert status_of(client, url) == 404, url
    listing = client.get(reverse("reports:report_list")).content.decode()
    assert f"#{reports['a'].pk}" in listing
    assert f"#{reports['b'].pk}<" not in listing
    assert "Fleet</td>" not in listing


def test_a_ciso_may_request_their_own_agencys_report_only(fleet, client):
    a, b = fleet.agencies[0], fleet.agencies[1]
    client.force_login(fleet.cisos[a.pk])
    before = Report.objects.count()
    assert client.post(REQUEST, {"scope": "agency", "agency": b.pk}).status_code == 404
    assert client.post(REQUEST, {"scope": "fleet"}).status_code == 403
    assert Report.objects.count() == before
    response = client.post(REQUEST, {"scope": "agency", "agency": a.pk})
    report = Report.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", kwargs={"pk": report.pk})
    assert (report.scope, report.agency, report.requested_by) == ("agency", a, fleet.cisos[a.pk])


def test_the_service_refuses_a_ciso_anothers_agency_and_the_fleet(fleet):
    a, b = fleet.agencies[0], fleet.agencies[1]
    with pytest.raises(PermissionDenied):
        report_request(actor=fleet.cisos[a.pk], scope="agency", agency=b)
    with pytest.raises(PermissionDenied):
        report_request(actor=fleet.cisos[a.pk], scope="fleet")
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["leadership", "oversight"])
def test_leadership_and_oversight_request_and_read_every_report(fleet, reports, client, role):
    user = getattr(fleet, role)
    earlier = Report.objects.filter(requested_by=user).count()
    client.force_login(user)
    for report in reports.values():
        for url in _urls(report):
            assert status_of(client, url) == 200, url
    response = client.post(REQUEST, {"scope": "agency", "agency": fleet.agencies[2].pk})
    assert response.status_code == 302
    assert client.post(REQUEST, {"scope": "fleet"}).status_code == 302
    assert Report.objects.filter(requested_by=user).count() == earlier + 2


def test_anonymous_users_are_sent_to_sign_in(reports, client):
    for url in [reverse("reports:report_list"), *_urls(reports["fleet"])]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    response = client.post(REQUEST, {"scope": "fleet"})
    assert response.status_code == 302
    assert not Report.objects.filter(pk__gt=reports["fleet"].pk).exists()


def test_the_download_is_an_attachment_never_sniffed(fleet, reports, client):
    client.force_login(fleet.leadership)
    report = reports["fleet"]
    response = client.get(reverse("reports:report_download", kwargs={"pk": report.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="EO-14444-fleet-report-{report.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)


def test_the_status_fragment_polls_while_the_report_renders_and_stops_when_it_ends(
    fleet, reports, client, django_capture_on_commit_callbacks
):
    client.force_login(fleet.oversight)
    with django_capture_on_commit_callbacks(execute=False):
        queued = report_request(actor=fleet.oversight, scope="fleet")
    page = client.get(reverse("reports:report_detail", kwargs={"pk": queued.pk})).content.decode()
    status_url = reverse("reports:report_status", kwargs={"pk": queued.pk})
    assert f'hx-get="{status_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert re.search(r"<strong>Queued</strong> for \d+ s\.", fragment)
    assert 'hx-trigger="every 2s"' in fragment

    started = timezone.now() - timedelta(minutes=3, seconds=5)
    Report.objects.filter(pk=queued.pk).update(
        status="running", progress=40, phase="Laying out the pages", started_at=started
    )
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    # Elapsed from the start, to the second (a slow request may add one).
    assert re.search(r"Laying out the pages · 40% done · 3 min 0[5-9] s elapsed\.", fragment)
    assert 'hx-trigger="every 2s"' in fragment

    Report.objects.filter(pk=queued.pk).update(status="queued", attempts=1, phase="")
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "interrupted (the worker stopped), so it was queued again" in fragment
    assert 'hx-trigger="every 2s"' in fragment

    done = client.get(
        reverse("reports:report_status", kwargs={"pk": reports["fleet"].pk})
    ).content.decode()
    assert "Download PDF" in done
    assert "hx-trigger" not in done

    Report.objects.filter(pk=queued.pk).update(status="failed", error="LayoutError: boom")
    failed = client.get(status_url).content.decode()
    assert "Failed." in failed
    assert "LayoutError: boom" in failed
    assert "hx-trigger" not in failed


def test_an_agency_without_figures_gets_a_message_not_a_report(fleet, client):
    from tests.agencies.factories import AgencyFactory

    newcomer = AgencyFactory(name="Agency Without Tasks")
    client.force_login(fleet.oversight)
    response = client.post(REQUEST, {"scope": "agency", "agency": newcomer.pk}, follow=True)
    assert "has no readiness figures for EO-14444 yet" in response.content.decode()
    assert not Report.objects.filter(agency=newcomer).exists()
