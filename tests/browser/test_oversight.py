"""Oversight's day in a real browser: from the fleet dashboard to a red agency, then the
verification queue, where one task is verified and another returned with a comment; the
agency's CISO then finds the returned task and the comment. Every oversight page (queues,
audit log, fleet dashboard, department roll-up) is scanned with axe-core (WCAG 2.1 A/AA)
and photographed into tests/artifacts/oversight-*.png."""

import re

import pytest
from playwright.sync_api import expect

from apps.readiness.models import AgencyReadiness
from apps.readiness.services import readiness_recompute
from tests.agencies.factories import BureauFactory
from tests.browser.conftest import assert_accessible, screenshot
from tests.review.scenario import claimed_na, completed, extension_asked
from tests.tracking.scenario import assign, build_world, put_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def world(transactional_db):
    """Day 12. The Agency of Examples is red (T01 and T05 of milestone M1, due day 7, are
    overdue) and has finished T02 and T03 with evidence. The Other Agency is on plan; a
    bureau of a department is behind, so the roll-up has a department to show."""
    world = build_world(tasks=8)
    completed(world.task("T02"), world.ciso, file=True)
    completed(world.task("T03"), world.ciso)
    claimed_na(world.task("T04"), world.ciso, "The agency runs no industrial control systems.")
    extension_asked(world.task("T05"), world.ciso, days=4)
    for code in ("T01", "T05", "T02"):
        put_in(world.task(code, world.other_agency), "completed")
    put_in(world.task("T06", world.other_agency), "in_progress", percent=60)
    bureau = BureauFactory(name="Bureau of Weights", abbreviation="BW")
    assign(world.directive, bureau)
    put_in(world.task("T01", bureau), "completed")
    put_in(world.task("T05", bureau), "in_progress", percent=70)
    readiness_recompute(
        directive=world.directive, agency_ids=[world.agency.pk, world.other_agency.pk, bureau.pk]
    )
    assert AgencyReadiness.objects.get(agency=world.agency).rating == "red"
    assert AgencyReadiness.objects.get(agency=world.other_agency).rating != "red"
    return world


def test_oversight_verifies_and_returns_work_and_the_ciso_sees_the_return(
    page, live_server, world, sign_in
):
    t02, t03 = world.task("T02"), world.task("T03")
    sign_in(page, world.oversight)

    # The fleet dashboard, filtered to red agencies.
    page.goto(f"{live_server.url}/fleet/")
    expect(page.get_by_role("heading", name="Fleet dashboard")).to_be_visible()
    assert_accessible(page, "fleet dashboard")
    screenshot(page, "oversight-01-fleet-dashboard")
    table = page.locator("#agency-table")
    expect(table.get_by_role("link", name="Other Agency")).to_be_visible()
    page.wait_for_load_state("load")  # htmx binds the filters on load
    page.get_by_label("Rating", exact=True).select_option("red")
    expect(table.get_by_role("link", name="Other Agency")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"rating=red"))
    assert_accessible(page, "fleet dashboard filtered to red agencies")
    screenshot(page, "oversight-02-fleet-red")

    # Drill into the red agency.
    table.get_by_role("link", name="Agency of Examples").click()
    expect(page).to_have_url(re.compile(rf"/agencies/{world.agency.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency of Examples (AOE)")
    screenshot(page, "oversight-03-agency-page")

    # The verification queue, through the main navigation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Verification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verification queue")
    # htmx binds the filters on load; a change made before then would do nothing.
    page.wait_for_load_state("load")
    page.get_by_label("Agency", exact=True).select_option(str(world.agency.pk))
    expect(page).to_have_url(re.compile(rf"agency={world.agency.pk}"))
    expect(page.locator("#queue-results")).to_contain_text("Showing 1–2 of 2 (filtered)")
    row2, row3 = page.locator(f"#review-row-{t02.pk}"), page.locator(f"#review-row-{t03.pk}")
    expect(row2.get_by_role("link", name="T02.pdf")).to_be_visible()
    assert_accessible(page, "verification queue")
    screenshot(page, "oversight-04-verification-queue")
    page.evaluate("window.__noReload = true")

    # Verify T02.
    row2.get_by_role("button", name="Verify T02 at Agency of Examples").click()
    expect(row2).to_contain_text("Verified by Olive Park")
    expect(page.locator("#live-status")).to_contain_text(
        "T02 at Agency of Examples (AOE): verified"
    )
    expect(page.locator("#review-tabs")).to_contain_text("Completed work 5")  # of six in the fleet
    expect(row2.locator(".decision-outcome")).to_be_focused()

    # Return T03: refused without a comment, then sent back with one.
    row3.get_by_role("button", name="Return to agency T03 at Agency of Examples").click()
    expect(row3).to_contain_text("Add a comment telling the agency what is missing.")
    expect(row3.get_by_label("Comment (required to return)")).to_be_focused()
    assert_accessible(page, "verification queue with a refused return")
    screenshot(page, "oversight-05-return-refused")
    row3.get_by_label("Comment (required to return)").fill(
        "The scan report covers one of the two data centers; attach the second."
    )
    row3.get_by_role("button", name="Return to agency T03 at Agency of Examples").click()
    expect(row3).to_contain_text("Returned to Agency of Examples")
    assert page.evaluate("window.__noReload") is True
    assert_accessible(page, "verification queue after decisions")
    screenshot(page, "oversight-06-decided")

    # The CISO of that agency signs in and finds the returned task and the comment.
    page.context.clear_cookies()
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    ciso_row = page.locator(f"#task-row-{t03.pk}")
    expect(ciso_row.locator(".badge-status-in_progress")).to_have_text("In progress")
    expect(ciso_row).to_contain_text("Returned by oversight")
    expect(page.locator(f"#task-row-{t02.pk}").locator(".badge-status-verified")).to_be_visible()
    screenshot(page, "oversight-07-ciso-agency-page")
    ciso_row.get_by_role("link", name="T03").click()
    expect(page.locator(".callout-danger")).to_contain_text(
        "The scan report covers one of the two data centers; attach the second."
    )
    screenshot(page, "oversight-08-ciso-task-page")


def test_the_other_oversight_pages_are_accessible(page, live_server, world, sign_in):
    sign_in(page, world.oversight)

    page.goto(f"{live_server.url}/review/not-applicable/")
    expect(page.get_by_text("The agency runs no industrial control systems.")).to_be_visible()
    assert_accessible(page, "not-applicable claims")
    screenshot(page, "oversight-10-na-queue")

    page.goto(f"{live_server.url}/review/extensions/")
    expect(page.get_by_text("The replacement hardware arrives next week.")).to_be_visible()
    assert_accessible(page, "extension queue")
    screenshot(page, "oversight-11-extension-queue")
    page.get_by_role("button", name="Approve the extension of T05 at Agency of Examples").click()
    expect(page.locator(".decision-outcome")).to_contain_text("Approved T05 is now due")
    expect(page.locator(".decision-outcome")).to_contain_text("Agency of Examples now:")
    assert_accessible(page, "extension queue after an approval")
    screenshot(page, "oversight-12-extension-approved")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert_accessible(page, "audit log")
    screenshot(page, "oversight-13-audit-log")
    page.get_by_label("Action").select_option("approve")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    assert_accessible(page, "audit log filtered")
    screenshot(page, "oversight-14-audit-log-filtered")

    page.goto(f"{live_server.url}/fleet/departments/")
    expect(page.get_by_role("heading", name="Department roll-up")).to_be_visible()
    assert_accessible(page, "department roll-up")
    screenshot(page, "oversight-15-department-rollup")
