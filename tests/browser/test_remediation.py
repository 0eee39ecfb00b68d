"""The remediation page in Chromium: filter with htmx, bulk-mark entries and see the counts
change, the refused mark explained; axe scans of each state."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.clearinghouse.models import Remediation
from apps.tracking.services import agency_tasks_assign
from tests.accounts.factories import CisoFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.browser.conftest import assert_accessible, screenshot
from tests.clearinghouse.factories import RemediationFactory, VulnerabilityFactory
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    """60 KEV entries (so there are two pages); the first five are past due."""
    directive = DirectiveFactory(title="30-Day Federal Cyber-Defense Push")
    milestone = MilestoneFactory(directive=directive, code="M14", day_offset=14)
    TaskFactory(
        milestone=milestone, code="T09", title="Remediate KEV entries past due",
        measure="kev_remediation", evidence_required=False,
    )  # fmt: skip
    agency = AgencyFactory(name="Bureau of Example Affairs")
    agency_tasks_assign(directive=directive, agency_ids=[agency.pk])
    today = timezone.localdate()
    vendors = ["Microsoft", "Fortinet", "Ivanti", "Cisco", "Apache"]
    vulns = [
        VulnerabilityFactory(
            cve_id=f"CVE-2026-{20000 + i}",
            vendor_project=vendors[i % 5],
            product=f"{vendors[i % 5]} Gateway",
            date_added=today - timedelta(days=60 - i),
            due_date=today - timedelta(days=5) if i < 5 else today + timedelta(days=20 + i),
            known_ransomware_use=i % 7 == 0,
        )
        for i in range(60)
    ]
    # One entry already assessed as affected, one not affected.
    RemediationFactory(agency=agency, vulnerability=vulns[1], status="affected")
    RemediationFactory(agency=agency, vulnerability=vulns[30], status="not_affected")
    return {"agency": agency, "ciso": CisoFactory(agency=agency), "vulns": vulns}


def _standing(page, label):
    return page.locator(".standing li").filter(has_text=label)


def test_bulk_marking_changes_the_counts(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, setting["ciso"])
    page.goto(f"{server_url}/agencies/{agency.pk}/vulnerabilities/")

    expect(_standing(page, "overdue")).to_contain_text("5")
    expect(_standing(page, "not assessed")).to_contain_text("58")
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    assert_accessible(page, "remediation list")
    screenshot(page, "remediation-list")

    # Filter to the overdue entries; htmx swaps the results without a reload.
    page.get_by_label("Overdue only").check()
    expect(page.locator("tbody tr")).to_have_count(5)
    expect(page).to_have_url(re.compile(r"/vulnerabilities/\?.*overdue=on"))  # pushed

    page.get_by_label("Select CVE-2026-20000").check()
    page.get_by_label("Select CVE-2026-20001").check()
    page.get_by_label("Mark selected entries as").select_option("remediated")
    page.get_by_label("Date mitigated or remediated").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Apply to selected").click()

    expect(page.locator("#results .alert-success")).to_contain_text(
        "Marked 2 entries as remediated."
    )
    expect(_standing(page, "overdue")).to_contain_text("3")
    expect(_standing(page, "not assessed")).to_contain_text("57")
    expect(_standing(page, "remediated")).to_contain_text("2")
    expect(page.locator("tbody tr")).to_have_count(3)  # still filtered to overdue
    assert Remediation.objects.filter(agency=agency, status="remediated").count() == 2
    assert_accessible(page, "remediation list after marking")
    screenshot(page, "remediation-marked")


def test_select_all_and_a_refused_mark(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, setting["ciso"])
    page.goto(f"{server_url}/agencies/{agency.pk}/vulnerabilities/?vendor=Microsoft")

    expect(page.get_by_label("Product")).to_contain_text("Microsoft Gateway")
    page.get_by_label("Select all entries on this page").check()
    page.get_by_label("Mark selected entries as").select_option("mitigated")
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Date mitigated or remediated").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Apply to selected").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    expect(page.locator("#results")).to_contain_text("is in the future")
    # The selection survives the refusal, so only the date needs correcting.
    expect(page.locator("input[data-row-select]:checked")).to_have_count(12)
    assert not Remediation.objects.filter(status="mitigated").exists()
    assert_accessible(page, "remediation refused mark")
    screenshot(page, "remediation-refused")

    page.get_by_label("Date mitigated or remediated").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#results .alert-success")).to_contain_text(
        "Marked 12 entries as mitigated."
    )


def test_search_without_javascript(browser, server_url, sign_in, setting):
    """Every control works as a plain form: filters by GET, marking by POST and redirect."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    agency = setting["agency"]
    sign_in(page, setting["ciso"])
    page.goto(f"{server_url}/agencies/{agency.pk}/vulnerabilities/")
    page.get_by_label("Search").fill("CVE-2026-20042")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)

    page.get_by_label("Select CVE-2026-20042").check()
    page.get_by_label("Mark selected entries as").select_option("not_affected")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("status").first).to_contain_text("Marked 1 entry as not affected.")
    expect(page.locator("tbody tr")).to_have_count(1)  # back on the same search
    expect(page.locator("tbody")).to_contain_text("Not affected")
    context.close()


def test_oversight_reads_without_controls(page, server_url, sign_in, setting):
    agency = setting["agency"]
    sign_in(page, OversightFactory())
    page.goto(f"{server_url}/agencies/{agency.pk}/vulnerabilities/?page=2")
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.get_by_role("button", name="Apply to selected")).to_have_count(0)
    # Choosing a vendor narrows the list and redraws the product menu, without a reload.
    page.get_by_label("Vendor or project").select_option("Cisco")
    expect(page.get_by_label("Product")).to_contain_text("Cisco Gateway")
    expect(page.locator("tbody tr")).to_have_count(12)
    expect(page.locator("#live-status")).to_contain_text("Showing 1 to 12 of 12 entries.")
    assert_accessible(page, "remediation list, read only")
    screenshot(page, "remediation-oversight")
