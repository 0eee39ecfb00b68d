"""The CSV export: the filtered log (every matching row, not one page), a header row,
cells a spreadsheet would run as formulas defused, streamed row by row."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.audit.selectors import EXPORT_HEADER
from apps.audit.views import csv_cell
from tests.accounts.factories import CisoFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.audit.log import event

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets then read UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def oversight(client):
    user = OversightFactory(username="olive", first_name="Olive", last_name="Park")
    client.force_login(user)
    return user


def test_the_export_has_a_header_and_every_filtered_row(client, oversight):
    agency, other = AgencyFactory(name="Agency One", abbreviation="A1"), AgencyFactory()
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    mine = [
        event(at=start + timedelta(minutes=i), agency=agency, actor=oversight, object_id=str(i),
              action=AuditEvent.Action.VERIFY, changes={"status": ["completed", "verified"]})
        for i in range(60)
    ]  # fmt: skip
    event(agency=other, comment="not this one")

    response = client.get(reverse("audit:log_csv"), {"agency": agency.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = _rows(response)
    assert tuple(rows[0]) == EXPORT_HEADER
    assert len(rows) == 1 + 60  # all of them, not the page's 50
    newest = rows[1]
    assert newest[EXPORT_HEADER.index("object_id")] == mine[-1].object_id
    assert newest[EXPORT_HEADER.index("occurred_at_utc")] == mine[-1].occurred_at.isoformat()
    assert newest[EXPORT_HEADER.index("actor_username")] == "olive"
    assert newest[EXPORT_HEADER.index("actor_name")] == "Olive Park"
    assert newest[EXPORT_HEADER.index("agency")] == "Agency One"
    assert newest[EXPORT_HEADER.index("action_label")] == "Verified"
    assert newest[EXPORT_HEADER.index("changes_json")] == '{"status": ["completed", "verified"]}'
    assert all(r[EXPORT_HEADER.index("agency")] == "Agency One" for r in rows[1:])


def test_cells_that_would_run_as_formulas_are_defused(client, oversight):
    hostile = AgencyFactory(name='=HYPERLINK("http://evil.example","click")')
    ciso = CisoFactory(agency=hostile, username="@ciso", first_name="-2+3", last_name="")
    event(
        agency=hostile,
        actor=ciso,
        object_repr="+cmd|' /C calc'!A0",
        comment="@SUM(1+1)*cmd|' /C calc'!A0",
    )
    event(agency=hostile, comment="\t=1+1")

    rows = _rows(client.get(reverse("audit:log_csv")))

    first = dict(zip(EXPORT_HEADER, rows[2], strict=True))  # oldest last: newest first
    assert first["agency"] == '\'=HYPERLINK("http://evil.example","click")'
    assert first["actor_username"] == "'@ciso"
    assert first["actor_name"] == "'-2+3"
    assert first["object"] == "'+cmd|' /C calc'!A0"
    assert first["comment"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert dict(zip(EXPORT_HEADER, rows[1], strict=True))["comment"] == "'\t=1+1"
    # Nothing else is touched.
    assert csv_cell("Agency One") == "Agency One"
    assert csv_cell(None) == ""
    assert csv_cell(42) == "42"


def test_the_export_is_streamed_and_reads_the_log_only_while_streaming(client, oversight):
    for i in range(5):
        event(object_id=str(i))

    with CaptureQueriesContext(connection) as before_streaming:
        response = client.get(reverse("audit:log_csv"))
    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming
    assert not any('FROM "audit_auditevent"' in q["sql"] for q in before_streaming)

    with CaptureQueriesContext(connection) as streaming:
        rows = _rows(response)
    assert len(rows) == 6
    assert any('FROM "audit_auditevent"' in q["sql"] for q in streaming)


def test_refused_filters_send_the_user_back_to_the_page(client, oversight):
    query = "date_from=2026-11-22&date_to=2026-11-01"
    response = client.get(f"{reverse('audit:log_csv')}?{query}")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('audit:log')}?{query}"
