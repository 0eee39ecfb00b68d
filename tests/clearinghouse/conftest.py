from datetime import timedelta

import pytest
from django.utils import timezone

from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import VulnerabilityFactory
from tests.people import ciso, leadership, other_ciso, oversight  # noqa: F401


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def catalog(today):
    """Four entries: two past due (one with known ransomware use), two due later."""
    past, later = today - timedelta(days=10), today + timedelta(days=10)
    return {
        "exchange": VulnerabilityFactory(
            cve_id="CVE-2026-1001", vendor_project="Microsoft", product="Exchange Server",
            name="Exchange Server Remote Code Execution", due_date=past,
            known_ransomware_use=True, date_added=today - timedelta(days=30),
        ),
        "sharepoint": VulnerabilityFactory(
            cve_id="CVE-2026-1002", vendor_project="Microsoft", product="SharePoint",
            name="SharePoint Deserialization", due_date=later,
            date_added=today - timedelta(days=5),
        ),
        "fortios": VulnerabilityFactory(
            cve_id="CVE-2026-1003", vendor_project="Fortinet", product="FortiOS",
            name="FortiOS Heap Overflow", due_date=past, date_added=today - timedelta(days=20),
        ),
        "ivanti": VulnerabilityFactory(
            cve_id="CVE-2026-1004", vendor_project="Ivanti", product="Connect Secure",
            name="Connect Secure Authentication Bypass", due_date=later,
            date_added=today - timedelta(days=1),
        ),
    }  # fmt: skip
