"""The audit log page: oversight only; filtered by agency, user, action, record and dates
(calendar days in the display time zone); newest first, paginated; each change shown
before → after with people by name."""

import csv
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.accounts.factories import CisoFactory, LeadershipFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.audit.log import event

pytestmark = pytest.mark.django_db
A = AuditEvent.Action


@pytest.fixture
def people():
    agency, other = AgencyFactory(name="Agency One"), AgencyFactory(name="Agency Two")
    return {
        "agency": agency,
        "other": other,
        "ciso": CisoFactory(agency=agency, first_name="Casey", last_name="Ng"),
        "oversight": OversightFactory(first_name="Olive", last_name="Park"),
        "leadership": LeadershipFactory(),
    }


def _shown(client, **query) -> list[int]:
    response = client.get(reverse("audit:log"), query)
    assert response.status_code == 200
    return [row.event.pk for row in response.context["rows"]]


@pytest.mark.parametrize("url", ["audit:log", "audit:log_csv"])
@pytest.mark.parametrize("role", ["ciso", "leadership"])
def test_only_oversight_reads_the_log(client, people, role, url):
    event(actor=people["ciso"], agency=people["agency"], comment="secret")
    client.force_login(people[role])
    assert client.get(reverse(url)).status_code == 404
    assert client.get(reverse(url), {"agency": people["agency"].pk}).status_code == 404


@pytest.mark.parametrize("url", ["audit:log", "audit:log_csv"])
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_log_is_newest_first_and_paginated(client, people):
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    ids = [event(at=start + timedelta(minutes=i), object_id=str(i)).pk for i in range(60)]
    client.force_login(people["oversight"])

    first = _shown(client)
    second = _shown(client, page=2)

    assert first == ids[::-1][:50]
    assert second == ids[::-1][50:]
    page = client.get(reverse("audit:log")).content.decode()
    assert "60 events, newest first" in page
    assert "Page 1 of 2" in page


def test_filters_by_agency_user_system_action_and_record(client, people):
    by_ciso = event(actor=people["ciso"], agency=people["agency"], action=A.STATUS)
    by_oversight = event(actor=people["oversight"], agency=people["agency"], action=A.VERIFY)
    elsewhere = event(actor=people["oversight"], agency=people["other"], action=A.APPROVE,
                      object_type="extensionrequest")  # fmt: skip
    derived = event(actor=None, agency=people["other"], action=A.DERIVE)
    client.force_login(people["oversight"])

    assert set(_shown(client, agency=people["agency"].pk)) == {by_ciso.pk, by_oversight.pk}
    assert set(_shown(client, user=people["oversight"].pk)) == {by_oversight.pk, elsewhere.pk}
    assert _shown(client, user="system") == [derived.pk]
    assert _shown(client, action=A.VERIFY) == [by_oversight.pk]
    assert _shown(client, object_type="extensionrequest") == [elsewhere.pk]
    assert _shown(client, agency=people["other"].pk, user=people["oversight"].pk) == [elsewhere.pk]


def test_dates_are_whole_days_in_the_display_time_zone(client, people, settings):
    assert settings.TIME_ZONE == "America/New_York"
    before = event(at=datetime(2026, 11, 21, 4, 30, tzinfo=UTC))  # Nov 20, 11:30 PM ET
    late = event(at=datetime(2026, 11, 22, 4, 30, tzinfo=UTC))  # Nov 21, 11:30 PM ET
    early = event(at=datetime(2026, 11, 21, 5, 30, tzinfo=UTC))  # Nov 21, 12:30 AM ET
    after = event(at=datetime(2026, 11, 22, 5, 30, tzinfo=UTC))  # Nov 22, 12:30 AM ET
    client.force_login(people["oversight"])

    assert _shown(client, date_from="2026-11-21", date_to="2026-11-21") == [late.pk, early.pk]
    assert _shown(client, date_from="2026-11-22") == [after.pk]
    assert _shown(client, date_to="2026-11-20") == [before.pk]


def test_a_reversed_date_range_is_explained_and_not_applied(client, people):
    event()
    client.force_login(people["oversight"])
    response = client.get(
        reverse("audit:log"), {"date_from": "2026-11-22", "date_to": "2026-11-01"}
    )
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert 'aria-invalid="true"' in page
    assert len(response.context["rows"]) == 1
    assert reverse("audit:log_csv") not in page  # no export of a refused query


def test_changes_are_shown_before_and_after_with_people_by_name(client, people):
    event(
        actor=people["oversight"],
        agency=people["agency"],
        action=A.VERIFY,
        changes={
            "status": ["completed", "verified"],
            "verified_by": [None, str(people["oversight"].pk)],
            "verified_at": [None, "2026-11-27T15:42:00+00:00"],
        },
        comment="Scan report checks out.",
    )
    client.force_login(people["oversight"])
    page = re.sub(r"\s+", " ", client.get(reverse("audit:log")).content.decode())
    assert "status:</span> completed" in page
    assert "verified" in page
    assert "verified by:</span> —" in page
    assert "Olive Park" in page
    assert "Nov 27, 2026, 10:42 AM ET" in page
    assert "Scan report checks out." in page
    assert "Verified" in page  # the action's label


def test_the_csv_link_keeps_the_filters(client, people):
    event(agency=people["agency"])
    client.force_login(people["oversight"])
    page = client.get(reverse("audit:log"), {"agency": people["agency"].pk, "page": 1})
    assert f'{reverse("audit:log_csv")}?agency={people["agency"].pk}"' in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("date_to", "9999-12-31"), ("date_from", "0001-01-01"), ("date_to", "2100-01-01")],
)
def test_a_date_no_one_could_mean_is_a_form_error(client, people, field, value):
    event()
    client.force_login(people["oversight"])
    response = client.get(reverse("audit:log"), {field: value})
    assert response.status_code == 200
    assert "Enter a date between Jan 1, 2000 and Dec 31, 2099." in response.content.decode()
    assert len(response.context["rows"]) == 1  # the refused filter is not applied
    # The export of the same query sends the reader back to the page that explains it.
    export = client.get(reverse("audit:log_csv"), {field: value})
    assert export.status_code == 302
    assert export["Location"].startswith(reverse("audit:log"))


def test_system_changes_name_the_system_as_their_actor(client, people):
    event(actor=None)
    client.force_login(people["oversight"])
    page = client.get(reverse("audit:log")).content.decode()
    assert "System" in page
    export = client.get(reverse("audit:log_csv"))
    rows = list(csv.reader(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()))
    assert rows[0][2] == "actor_name"
    assert rows[1][2] == "System"
