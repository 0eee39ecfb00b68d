from datetime import date

import factory
from django.utils import timezone

from apps.clearinghouse.models import Remediation, Vulnerability
from tests.agencies.factories import AgencyFactory


class VulnerabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vulnerability

    cve_id = factory.Sequence(lambda n: f"CVE-2026-{10000 + n}")
    vendor_project = "Example Vendor"
    product = "Example Product"
    name = factory.LazyAttribute(lambda v: f"{v.product} Remote Code Execution Vulnerability")
    date_added = date(2026, 10, 1)
    short_description = "A flaw lets a remote attacker run code."
    required_action = "Apply mitigations per vendor instructions."
    due_date = date(2026, 10, 22)


class RemediationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remediation

    agency = factory.SubFactory(AgencyFactory)
    vulnerability = factory.SubFactory(VulnerabilityFactory)
    status = Remediation.Status.AFFECTED
    assessed_at = factory.LazyFunction(timezone.now)
