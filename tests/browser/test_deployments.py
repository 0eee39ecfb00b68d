"""The deployments pages in Chromium: add a deployment and see coverage change; axe scans."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.directives.models import Task
from apps.tracking.services import agency_tasks_assign
from tests.accounts.factories import CisoFactory, LeadershipFactory
from tests.agencies.factories import AgencyFactory
from tests.browser.conftest import assert_accessible, screenshot
from tests.deployments.factories import DefenseToolFactory, ToolDeploymentFactory
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    """An agency of 1,000 endpoints under a directive with a 50 % AI-enabled EDR target."""
    directive = DirectiveFactory(title="30-Day Federal Cyber-Defense Push")
    milestone = MilestoneFactory(directive=directive, code="M14", day_offset=14)
    TaskFactory(
        milestone=milestone,
        code="T11",
        title="Reach 50% endpoint coverage with AI-enabled EDR",
        measure=Task.Measure.TOOL_COVERAGE,
        evidence_required=False,
        coverage_target=Decimal("0.500"),
        coverage_category="edr",
    )
    agency = AgencyFactory(name="Bureau of Example Affairs", endpoint_count=1000)
    edr = DefenseToolFactory(
        name="AI-enabled endpoint detection and response", category="edr", ai_enabled=True
    )
    DefenseToolFactory(name="Signature-based antivirus", category="edr", ai_enabled=False)
    ToolDeploymentFactory(
        agency=agency, tool=edr, stage="piloting", endpoints_covered=50, product_notes="Pilot"
    )
    agency_tasks_assign(directive=directive, agency_ids=[agency.pk])
    return {"agency": agency, "ciso": CisoFactory(agency=agency, first_name="Casey")}


def test_adding_a_deployment_changes_coverage(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, setting["ciso"])
    page.goto(f"{server_url}/agencies/{agency.pk}/deployments/")

    coverage = page.get_by_role("table").filter(has_text="Progress toward target")
    expect(coverage).to_contain_text("0 of 1,000")
    expect(coverage).to_contain_text("Below target")
    assert_accessible(page, "deployments list")
    screenshot(page, "deployments-list-before")

    page.get_by_role("link", name="Add a deployment").click()
    page.get_by_label("Tool type").select_option(label="AI-enabled endpoint detection and "
                                                 "response (AI-enabled)")  # fmt: skip
    page.get_by_label("Product or service").fill("Agency EDR agent")
    page.get_by_label("Stage").select_option("operational")
    page.get_by_label("Endpoints covered").fill("650")
    page.get_by_label("Go-live date").fill(timezone.localdate().isoformat())
    assert_accessible(page, "add deployment form")
    screenshot(page, "deployments-add-form")
    page.get_by_role("button", name="Add deployment").click()

    expect(page.get_by_role("status").first).to_contain_text("Added AI-enabled endpoint")
    coverage = page.get_by_role("table").filter(has_text="Progress toward target")
    expect(coverage).to_contain_text("650 of 1,000")
    expect(coverage).to_contain_text("Target met")
    expect(coverage.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    assert_accessible(page, "deployments list after adding")
    screenshot(page, "deployments-list-after")


def test_refused_entries_are_explained_accessibly(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, setting["ciso"])
    deployment = agency.deployments.get()
    page.goto(f"{server_url}/agencies/{agency.pk}/deployments/{deployment.pk}/edit/")
    page.get_by_label("Stage").select_option("operational")
    page.get_by_label("Endpoints covered").fill("1200")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.locator("body")).to_contain_text("exceeds the agency's endpoint count (1,000)")
    assert_accessible(page, "edit deployment with errors")
    screenshot(page, "deployments-edit-refused")


def test_leadership_reads_without_controls(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, LeadershipFactory())
    page.goto(f"{server_url}/agencies/{agency.pk}/deployments/")
    expect(page.get_by_role("note").filter(has_text="Read only")).to_be_visible()
    expect(page.get_by_role("link", name="Add a deployment")).to_have_count(0)
    assert_accessible(page, "deployments list, read only")
    screenshot(page, "deployments-list-leadership")


def test_a_second_editor_is_refused_and_shown_the_saved_values(
    browser, server_url, sign_in, setting
):
    """Two sessions open the same deployment; the second save is refused, nothing is lost."""
    agency, ciso = setting["agency"], setting["ciso"]
    deployment = agency.deployments.get()
    url = f"{server_url}/agencies/{agency.pk}/deployments/{deployment.pk}/edit/"
    first, second = browser.new_context(), browser.new_context()
    pages = [first.new_page(), second.new_page()]
    for page in pages:
        sign_in(page, ciso)
        page.goto(url)

    pages[0].get_by_label("Endpoints covered").fill("120")
    pages[0].get_by_role("button", name="Save changes").click()
    expect(pages[0].get_by_role("status").first).to_contain_text("Saved")

    pages[1].get_by_label("Endpoints covered").fill("90")
    pages[1].get_by_role("button", name="Save changes").click()
    expect(pages[1].get_by_role("alert")).to_contain_text("Your changes were not saved")
    expect(pages[1].get_by_label("Endpoints covered")).to_have_value("120")
    assert_accessible(pages[1], "deployment edit refused as stale")
    screenshot(pages[1], "deployments-edit-stale")
    deployment.refresh_from_db()
    assert deployment.endpoints_covered == 120
    first.close()
    second.close()


def test_the_endpoint_count_form(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, setting["ciso"])
    page.goto(f"{server_url}/agencies/{agency.pk}/deployments/endpoints/")
    page.get_by_label("Endpoints in scope").fill("10")
    page.get_by_role("button", name="Save endpoint count").click()
    # The pilot covers 50 endpoints, so 10 is refused with the reason.
    expect(page.locator("main")).to_contain_text("Some deployments cover more than 10 endpoints")
    assert_accessible(page, "endpoint count refused")
    screenshot(page, "deployments-endpoints-refused")
    page.get_by_label("Endpoints in scope").fill("2000")
    page.get_by_label("Reason for the correction").fill("Annual asset census")
    page.get_by_role("button", name="Save endpoint count").click()
    expect(page.get_by_role("status").first).to_contain_text("Endpoint count set to 2,000")
