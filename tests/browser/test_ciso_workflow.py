"""The CISO's workflow in a real browser: sign in, update a task inline and see its badge and
the agency's figures change without a reload, upload evidence, request an extension. Every
page of the workflow is scanned with axe-core (WCAG 2.1 A/AA) and photographed into
tests/artifacts/."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from apps.readiness.clock import local_date
from apps.readiness.services import agency_figures_refresh
from apps.tracking import services
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import assert_accessible, screenshot
from tests.tracking import files
from tests.tracking.scenario import NEW_YORK, build_world, put_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def world(transactional_db):
    world = build_world(tasks=8, derived=True)
    put_in(world.task("T02"), "blocked")
    put_in(world.task("T03"), "in_progress")
    put_in(world.task("T06"), "completed")
    agency_figures_refresh(agency_id=world.agency.pk)
    return world


def test_sign_in_lands_a_ciso_on_their_agency_page(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page, "sign-in page")
    screenshot(page, "01-sign-in")
    page.get_by_label("Username").fill("ciso-a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/agencies/{world.agency.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency of Examples (AOE)")
    expect(page.get_by_text("Day 12 of 30 · 18 days left · deadline")).to_be_visible()


def test_a_wrong_password_is_explained_accessibly(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("Username").fill("ciso-a")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The username or password is not correct.")).to_be_visible()
    assert_accessible(page, "sign-in page with an error")


def test_inline_update_changes_the_badge_and_the_figures_without_a_reload(
    page, live_server, world, sign_in
):
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    assert_accessible(page, "agency page")
    screenshot(page, "02-agency-page")
    ev = page.locator('[data-figure="ev"]')
    ev_before = ev.inner_text()
    # A marker on the window survives only if the page is never reloaded.
    page.evaluate("window.__noReload = true")

    row = page.locator(f"#task-row-{world.task('T05').pk}")
    expect(row.locator(".badge-status-not_started")).to_have_text("Not started")
    row.get_by_role("button", name="Update T05").click()
    editor = page.locator(f"#task-row-{world.task('T05').pk} form")
    expect(editor.get_by_label("Status")).to_be_focused()
    assert_accessible(page, "agency page with a row editor open")
    screenshot(page, "03-row-editor")
    editor.get_by_label("Status").select_option("in_progress")
    editor.get_by_label("Percent").fill("90")
    editor.get_by_label("Note").fill("Contract signed; rollout under way.")
    editor.get_by_role("button", name="Save T05").click()

    row = page.locator(f"#task-row-{world.task('T05').pk}")
    expect(row.locator(".badge-status-in_progress")).to_have_text("In progress")
    expect(row.locator(".percent-text")).to_have_text("90%")
    expect(ev).not_to_have_text(ev_before)
    expect(page.locator("#live-status")).to_contain_text("T05 saved: In progress, 90%")
    assert page.evaluate("window.__noReload") is True
    # Focus returns to the row's Update button for the next edit.
    expect(row.get_by_role("button", name="Update T05")).to_be_focused()
    screenshot(page, "04-row-saved")


def test_an_inline_refusal_is_shown_in_the_row(page, live_server, world, sign_in):
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    row_id = f"#task-row-{world.task('T03').pk}"
    page.locator(row_id).get_by_role("button", name="Update T03").click()
    editor = page.locator(f"{row_id} form")
    editor.get_by_label("Status").select_option("completed")
    editor.get_by_role("button", name="Save T03").click()
    expect(page.locator(row_id)).to_contain_text(
        "Attach evidence before marking this task completed"
    )
    assert_accessible(page, "row editor with an error")
    screenshot(page, "05-row-refused")
    page.locator(row_id).get_by_role("button", name="Cancel editing T03").click()
    expect(page.locator(row_id).locator(".badge-status-in_progress")).to_be_visible()


def test_filters_narrow_the_board(page, live_server, world, sign_in):
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    page.get_by_label("Status").select_option("blocked")
    expect(page.get_by_text("Showing 1 of 9 tasks (filtered).")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=blocked"))
    assert_accessible(page, "filtered agency page")


def test_a_stale_inline_save_shows_the_current_values(page, live_server, world, sign_in):
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    agency_task = world.task("T04")
    row_id = f"#task-row-{agency_task.pk}"
    page.locator(row_id).get_by_role("button", name="Update T04").click()
    editor = page.locator(f"{row_id} form")
    expect(editor.get_by_label("Status")).to_be_visible()  # the editor holds version 1
    # Someone else saves the task while the editor is open.
    services.agency_task_update(
        agency_task=agency_task, actor=world.ciso, version=1, status="in_progress", percent=25
    )
    editor.get_by_label("Status").select_option("in_progress")
    editor.get_by_label("Percent").fill("80")
    editor.get_by_role("button", name="Save T04").click()
    expect(page.locator(row_id)).to_contain_text("Someone else saved this task")
    expect(page.locator(row_id).get_by_label("Percent")).to_have_value("25")
    screenshot(page, "06-row-stale")


def test_upload_evidence_and_request_an_extension(page, live_server, world, sign_in, tmp_path):
    agency_task = world.task("T08")
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/tasks/{agency_task.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("T08")
    assert_accessible(page, "task page")
    screenshot(page, "07-task-page")

    bad = tmp_path / "report.pdf"
    bad.write_bytes(files.EXE)
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("its content is an executable program (EXE)")).to_be_visible()
    assert_accessible(page, "task page with a refused upload")
    screenshot(page, "08-upload-refused")

    good = tmp_path / "asset-inventory.pdf"
    good.write_bytes(files.PDF)
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_label("Description", exact=True).first.fill("Asset inventory export")
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("Evidence added.")).to_be_visible()
    evidence = page.locator("#evidence")
    expect(evidence.get_by_role("link", name="asset-inventory.pdf")).to_be_visible()
    expect(evidence).to_contain_text("Casey Ng")

    deadline = local_date(world.directive.issued_at, NEW_YORK) + timedelta(days=30)
    page.get_by_label("New due date").fill((deadline + timedelta(days=10)).isoformat())
    page.get_by_label("Justification").fill("The EDR licences arrive after the deadline.")
    page.get_by_role("button", name="Request extension").click()
    expect(page.get_by_text("Extension requested.")).to_be_visible()
    extensions = page.locator("#extensions")
    expect(extensions.locator(".badge-extension-pending")).to_have_text("Pending")
    expect(page.locator("#history")).to_contain_text("Extension: extension requested")
    expect(page.locator("#history")).to_contain_text("Evidence: evidence added")
    assert_accessible(page, "task page after uploads")
    screenshot(page, "09-task-page-after")


def test_the_extensions_page(page, live_server, world, sign_in):
    deadline = local_date(world.directive.issued_at, NEW_YORK) + timedelta(days=30)
    for code, approve in (("T01", None), ("T03", True), ("T04", False)):
        extension = services.extension_request_create(
            agency_task=world.task(code),
            actor=world.ciso,
            requested_due=deadline + timedelta(days=5),
            justification=f"{code}: hardware delayed by the vendor.",
        )
        if approve is not None:
            services.extension_request_decide(
                extension=extension,
                actor=world.oversight,
                approve=approve,
                comment="Approved for five days." if approve else "Use the interim control.",
            )
    sign_in(page, world.ciso)
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/extensions/")
    expect(page.locator(".badge-extension-denied")).to_have_text("Denied")
    assert_accessible(page, "extensions page")
    screenshot(page, "10-extensions")


@pytest.mark.parametrize("who", ["oversight", "leadership"])
def test_read_only_views_for_oversight_and_leadership(page, live_server, world, sign_in, who):
    sign_in(page, getattr(world, who))
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/")
    expect(page.get_by_role("note").filter(has_text="Read only.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Update"))).to_have_count(0)
    assert_accessible(page, f"agency page as {who}")
    screenshot(page, f"11-agency-page-{who}")
    agency_task = world.task("T06")
    page.goto(f"{live_server.url}/agencies/{world.agency.pk}/tasks/{agency_task.pk}/")
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    assert_accessible(page, f"task page as {who}")
