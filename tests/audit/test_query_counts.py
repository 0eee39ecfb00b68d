"""Query count of the audit log page: the same with 50 events as with 500 (from many
people and agencies, some naming people in their changes), after a warm-up request:

  1 session, 2 user, 3 directive (clock banner), 4 agencies and 5 users (filter choices),
  6 the count, 7 the page of events with actor and agency, 8 the people their changes name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.accounts.factories import CisoFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.directives.factories import DirectiveFactory

pytestmark = pytest.mark.django_db


def _grow(upto: int, oversight) -> None:
    have = AuditEvent.objects.count()
    agencies = [AgencyFactory() for _ in range(3)]
    cisos = [CisoFactory(agency=a) for a in agencies]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=(cisos[i % 3] if i % 4 else None),
            agency=agencies[i % 3],
            action=AuditEvent.Action.VERIFY if i % 2 else AuditEvent.Action.STATUS,
            object_type="agencytask",
            object_id=str(i),
            object_repr=f"T{i % 40:02d}",
            changes={"status": ["completed", "verified"], "verified_by": [None, str(oversight.pk)]},
        )
        for i in range(have, upto)
    )


def _count(client, **query) -> int:
    client.get(reverse("audit:log"), query)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audit:log"), query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "query", [{}, {"action": "verify", "page": "2"}], ids=["whole log", "filtered, page 2"]
)
def test_the_log_page_costs_the_same_with_50_and_500_events(client, query):
    DirectiveFactory()
    oversight = OversightFactory()
    client.force_login(oversight)
    _grow(50, oversight)
    at_50 = _count(client, **query)
    _grow(500, oversight)
    at_500 = _count(client, **query)
    assert at_50 == at_500 == 9  # 8, and the header's notice count
