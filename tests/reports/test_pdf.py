"""What the PDFs say and how they are made: figures equal to the readiness engine's, every
agency, metadata, bookmarks, marking and page numbers on every page."""

import pytest

from apps.readiness.models import AgencyReadiness
from apps.reports.models import Report
from apps.reports.services import report_request
from tests.reports.helpers import (
    nested_titles,
    outline_titles,
    page_texts,
    pct,
    pdf_bytes,
    save_pngs,
    spi,
)

pytestmark = pytest.mark.django_db

FLEET_SECTIONS = [
    "Executive summary",
    "Agencies ranked by risk",
    "Milestones",
    "Overdue tasks by agency",
    "Extensions granted",
    "AI-defense coverage",
    "KEV remediation",
    "About this report",
]


def _made(capture, **kwargs) -> Report:
    with capture(execute=True):
        report = report_request(**kwargs)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    return report


def test_the_fleet_report_shows_every_agency_with_the_engines_figures(
    fleet, django_capture_on_commit_callbacks
):
    report = _made(django_capture_on_commit_callbacks, actor=fleet.oversight, scope="fleet")
    data = pdf_bytes(report)
    reader, pages = page_texts(data)
    text = " ".join(pages)

    assert len(reader.pages) == report.pages == 10
    for row in AgencyReadiness.objects.select_related("agency__parent"):
        # The ranked table's row: the engine's rating, EV, PV, SPI and counts.
        name = row.agency.display_name
        department = row.agency.parent.abbreviation if row.agency.parent else "Independent"
        assert (
            f"{name} {department} {row.get_rating_display()} "
            f"{pct(row.ev)} {pct(row.pv)} {spi(row.spi)} "
            f"{row.tasks_overdue} {row.tasks_at_risk} {row.kev_overdue}"
        ) in text
    # The behind agency (index 2) has T01 and T02 of the passed milestone M1 overdue.
    assert "Independent Agency 002 (IA002): 2 overdue" in text
    assert "Bureau of Test Records (BTR)" in text
    assert "T03: Turn on phishing-resistant" in text
    assert "Token shipment for administrators" in text  # the extension granted

    assert pages[0].startswith("UNCLASSIFIED") or "UNCLASSIFIED" in pages[0]
    assert "Day 12 of 30" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert page.count("UNCLASSIFIED") >= 2, f"page {number} lacks its top and bottom marking"
        assert f"Page {number} of {len(pages)}" in page

    meta = reader.metadata
    assert meta.title == "Fleet readiness report: EO-14444"
    assert meta.author == "Cyber Readiness Portal, directive program office"
    assert meta.creation_date is not None
    assert outline_titles(reader) == FLEET_SECTIONS
    assert "Milestone heat map" in nested_titles(reader)

    save_pngs(data, "fleet", pages=[1, 2, 4])


def test_the_agency_report_adds_tasks_evidence_deployments_remediation_and_history(
    fleet, django_capture_on_commit_callbacks
):
    bureau = fleet.agencies[0]
    ciso = fleet.cisos[bureau.pk]
    report = _made(django_capture_on_commit_callbacks, actor=ciso, scope="agency", agency=bureau)
    data = pdf_bytes(report)
    reader, pages = page_texts(data)
    text = " ".join(pages)
    mine = AgencyReadiness.objects.get(agency=bureau)

    assert len(reader.pages) == report.pages == 5
    assert reader.metadata.title == "Agency readiness report: Bureau of Test Records (BTR)"
    assert f"has earned {pct(mine.ev)} of its work against {pct(mine.pv)} planned" in text
    assert f"(SPI {spi(mine.spi)})" in text
    for code in ("T01", "T02", "T03", "T04", "T05", "T06"):
        assert f"{code}: {fleet.tasks[code].title}" in text
    assert "https://records.btr.example/inventory" in text  # evidence
    assert "AI endpoint sentinel" in text
    assert "Operational" in text
    assert "Remediated 3" in text  # its assessments of the three KEV entries
    assert "History: the last 7 days" in text
    assert "status: In progress → Completed" in text
    # Written for the agency's CISO: no other agency is named.
    assert "Independent Agency" not in text
    for number, page in enumerate(pages, start=1):
        assert page.count("UNCLASSIFIED") >= 2
        assert f"Page {number} of {len(pages)}" in page
    assert outline_titles(reader) == [
        "Executive summary", "Milestones and tasks", "Overdue tasks", "Evidence",
        "AI-defense deployments", "KEV remediation", "History: the last 7 days",
        "About this report",
    ]  # fmt: skip
    save_pngs(data, "agency", pages=[1, 3])


def test_the_next_report_says_what_changed_since_the_previous_one(
    fleet, django_capture_on_commit_callbacks
):
    first = _made(django_capture_on_commit_callbacks, actor=fleet.oversight, scope="fleet")
    slipping = fleet.agencies[1]
    for code in ("T02", "T03"):  # its overdue task done, and enough more: red no more
        at = fleet.agency_task(slipping, code)
        at.status, at.percent, at.completed_at = "completed", 100, first.created_at
        at.save()
    fleet.recompute()
    second = _made(django_capture_on_commit_callbacks, actor=fleet.leadership, scope="fleet")
    _, pages = page_texts(pdf_bytes(second))
    text = " ".join(pages)
    before, after = first.run, second.run
    assert f"Compared with report #{first.pk}" in text
    assert f"Earned value (EV) {pct(before.ev)} {pct(after.ev)}" in text
    assert f"Overdue tasks {before.tasks_overdue} {after.tasks_overdue} -1" in text
    was = dict(before.snapshots.values_list("agency__name", "rating"))
    now = dict(after.snapshots.values_list("agency__name", "rating"))
    changed = [name for name in now if now[name] != was[name]]
    assert changed == [slipping.name]
    assert "Agencies whose rating changed" in text
    assert f"{slipping.display_name} Red {now[slipping.name].capitalize()}" in text


def test_a_missing_stylesheet_fails_the_report_and_leaves_no_file(
    fleet, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STATICFILES_DIRS = [tmp_path / "empty-static"]  # charts.css and report.css gone
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=fleet.oversight, scope="fleet")
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "Static file not found: css/charts.css" in report.error
    assert not report.file
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
