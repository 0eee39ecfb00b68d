"""A CISO's notices in a real browser: oversight verified one task and returned another;
the bell in the header counts both, the list shows them, "Mark read" (htmx) redraws its row
and the bell in place, "Open" goes to the task. At 390 px the bell stays in the header (not
in the collapsed menu) and nothing scrolls sideways. Each page is scanned with axe-core and
photographed into tests/artifacts/notices-*.png."""

import pytest
from playwright.sync_api import expect

from apps.notices.models import Notice
from apps.tracking import services
from tests.browser.conftest import assert_accessible, screenshot
from tests.review.scenario import completed
from tests.tracking.scenario import build_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db, mailoutbox):
    world = build_world(tasks=8)
    t02 = completed(world.task("T02"), world.ciso)
    t03 = completed(world.task("T03"), world.ciso)
    services.agency_task_verify(agency_task=t02, actor=world.oversight, version=t02.version)
    services.agency_task_return(
        agency_task=t03, actor=world.oversight, version=t03.version,
        comment="The scan report covers one site of three.",
    )  # fmt: skip
    # Committed, so each change's e-mail went out already (the worker runs eagerly here).
    assert [m.to for m in mailoutbox] == [[world.ciso.email], [world.ciso.email]]
    return world


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_the_ciso_finds_reads_and_opens_the_notices_of_oversights_decisions(
    page, live_server, world, sign_in
):
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    bell = page.locator("#notice-bell")
    expect(bell).to_have_accessible_name("Notices 2 unread")
    assert_accessible(page, "agency page with the bell")

    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    rows = page.locator(".notice-row")
    expect(rows).to_have_count(2)
    expect(page.locator(".notice-unread-badge")).to_have_count(2)
    assert_accessible(page, "notice list")
    screenshot(page, "notices-01-list-desktop")

    # Mark the verification read: its row is redrawn in place, the bell counts one.
    page.wait_for_load_state("load")  # htmx binds the buttons on load
    verified = rows.filter(has_text="T02 was verified by oversight")
    verified.get_by_role("button", name="Mark read").click()
    expect(verified.get_by_role("button", name="Mark read")).to_have_count(0)
    expect(bell).to_have_accessible_name("Notices 1 unread")
    expect(rows).to_have_count(2)  # the swap replaced the row; nothing added or lost
    expect(page.locator("#notice-bell")).to_have_count(1)
    expect(page.locator("#live-status")).to_have_text(
        "Marked read: T02 was verified by oversight: Harden system 2"
    )
    expect(verified.get_by_role("link", name="Open")).to_be_visible()  # read: a plain link
    assert_accessible(page, "notice list after marking one read")
    screenshot(page, "notices-02-list-after-mark-read")

    # The return's detail carries oversight's comment; opening it marks it read.
    page.get_by_role("link", name="T03 was returned by oversight: Harden system 3").click()
    expect(page.get_by_text("The scan report covers one site of three.")).to_be_visible()
    assert_accessible(page, "notice detail")
    screenshot(page, "notices-03-detail")
    page.get_by_role("button", name="Go to the page it is about").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("T03")
    expect(page.locator("#notice-bell")).to_have_accessible_name("Notices, none unread")
    assert not Notice.objects.filter(user=world.ciso, read_at__isnull=True).exists()


def test_on_a_phone_the_bell_stays_in_the_header_and_nothing_scrolls_sideways(
    page, live_server, world, sign_in
):
    page.set_viewport_size(PHONE)
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    expect(page.locator("#notice-bell")).to_be_visible()  # the menu itself is collapsed
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()

    page.locator("#notice-bell").click()
    expect(page.locator(".notice-row")).to_have_count(2)
    _no_sideways_scroll(page)
    expect(page.get_by_role("button", name="Mark all read")).to_be_visible()
    first_open = page.locator(".notice-row").first.get_by_role("button", name="Open")
    box = first_open.bounding_box()
    assert box
    assert box["width"] >= PHONE["width"] * 0.8
    assert_accessible(page, "notice list at 390 px")
    screenshot(page, "notices-04-list-phone")

    page.get_by_role("link", name="e-mail settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail settings")
    _no_sideways_scroll(page)
    page.get_by_label("Task verified").uncheck()
    page.get_by_role("button", name="Save e-mail settings").click()
    expect(page.get_by_text("Your e-mail settings are saved.")).to_be_visible()
    expect(page.get_by_label("Task verified")).not_to_be_checked()
    expect(page.get_by_label("Task returned")).to_be_checked()
    assert_accessible(page, "e-mail settings at 390 px")
    screenshot(page, "notices-05-settings-phone")

    page.get_by_role("link", name="Notices", exact=True).first.click()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("2 notices marked read.")).to_be_visible()
    expect(page.locator(".notice-unread-badge")).to_have_count(0)
    screenshot(page, "notices-06-all-read-phone")
