from datetime import date

import pytest

from apps.clearinghouse.models import FeedImport, Remediation
from tests.clearinghouse.factories import RemediationFactory, VulnerabilityFactory
from tests.constraints import violates

pytestmark = pytest.mark.django_db


def test_cve_ids_are_unique_and_well_formed():
    VulnerabilityFactory(cve_id="CVE-2024-3400")
    with violates("clearinghouse_vulnerability_cve_id_key"):
        VulnerabilityFactory(cve_id="CVE-2024-3400")
    with violates("vulnerability_cve_format"):
        VulnerabilityFactory(cve_id="not-a-cve")


def test_one_remediation_per_agency_and_vulnerability():
    row = RemediationFactory()
    with violates("remediation_unique"):
        RemediationFactory(agency=row.agency, vulnerability=row.vulnerability)


def test_not_assessed_is_never_stored():
    with violates("remediation_status_valid"):
        RemediationFactory(status=Remediation.Status.NOT_ASSESSED)


def test_a_resolution_is_dated_and_only_a_resolution_is():
    with violates("remediation_resolved_dated"):
        RemediationFactory(status=Remediation.Status.REMEDIATED, resolved_on=None)
    with violates("remediation_resolved_dated"):
        RemediationFactory(status=Remediation.Status.AFFECTED, resolved_on=date(2026, 11, 1))


def test_a_failed_import_records_why():
    with violates("feedimport_failed_has_error"):
        FeedImport.objects.create(source="x", status=FeedImport.Status.FAILED)
