"""A CISO sees their agency against the fleet, never another agency's name or figures."""

import pytest
from django.urls import reverse

from apps.readiness.services import readiness_recompute
from tests.accounts.factories import CisoFactory
from tests.agencies.factories import AgencyFactory
from tests.tracking.factories import AgencyTaskFactory
from tests.world import et

pytestmark = pytest.mark.django_db


def test_the_agency_page_places_the_agency_in_the_fleet_distribution_anonymously(world, client):
    others = [AgencyFactory(name=f"Other Agency {i}", abbreviation=f"OA{i}") for i in range(3)]
    for i, agency in enumerate([world.agency, *others]):
        AgencyTaskFactory(agency=agency, task=world.t1, status="in_progress", percent=20 * i + 10)
    readiness_recompute(directive=world.directive, now=et(2026, 11, 19))
    client.force_login(CisoFactory(agency=world.agency))

    html = client.get(reverse("tracking:agency_detail", args=[world.agency.pk])).content.decode()

    assert "Where your agency stands" in html
    assert "Your agency" in html
    assert "Of 4 agencies" in html  # the distribution counts every agency…
    for other in others:  # …but names none of the others
        assert other.name not in html
        assert other.abbreviation not in html
