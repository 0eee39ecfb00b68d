from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.clearinghouse.models import Remediation
from apps.clearinghouse.services import remediation_mark_bulk
from apps.core.errors import DomainError
from tests.clearinghouse.factories import RemediationFactory

pytestmark = pytest.mark.django_db


def _ids(*vulns):
    return [v.pk for v in vulns]


def test_marking_creates_rows_and_one_audit_row_per_entry(agency, ciso, catalog, today):
    chosen = [catalog["exchange"], catalog["fortios"]]

    result = remediation_mark_bulk(
        agency=agency, actor=ciso, vulnerability_ids=_ids(*chosen), status="remediated",
        resolved_on=today, note="Patched in the weekend window",
    )  # fmt: skip

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    rows = Remediation.objects.filter(agency=agency).order_by("vulnerability__cve_id")
    assert [(r.status, r.resolved_on, r.assessed_by) for r in rows] == [
        ("remediated", today, ciso),
        ("remediated", today, ciso),
    ]
    events = AuditEvent.objects.filter(object_type="remediation").order_by("object_repr")
    assert [e.object_repr for e in events] == [
        f"CVE-2026-1001 at {agency.abbreviation}",
        f"CVE-2026-1003 at {agency.abbreviation}",
    ]
    assert events[0].action == AuditEvent.Action.ASSESS
    assert events[0].changes == {
        "status": ["not_assessed", "remediated"],
        "resolved_on": [None, today.isoformat()],
        "note": ["", "Patched in the weekend window"],
    }
    assert {e.actor_id for e in events} == {ciso.pk}
    assert {e.agency_id for e in events} == {agency.pk}


def test_audit_rows_are_written_in_one_insert(agency, ciso, catalog):
    with CaptureQueriesContext(connection) as queries:
        remediation_mark_bulk(
            agency=agency, actor=ciso, vulnerability_ids=_ids(*catalog.values()),
            status="not_affected",
        )  # fmt: skip
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    assert len(inserts) == 1
    assert AuditEvent.objects.count() == 4


def test_only_changed_entries_are_updated_and_audited(agency, ciso, catalog, today):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="affected",
                       note="Two hosts")  # fmt: skip
    RemediationFactory(agency=agency, vulnerability=catalog["fortios"], status="not_affected")

    result = remediation_mark_bulk(
        agency=agency, actor=ciso, status="not_affected",
        vulnerability_ids=_ids(catalog["exchange"], catalog["fortios"], catalog["ivanti"]),
    )  # fmt: skip

    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    exchange = Remediation.objects.get(agency=agency, vulnerability=catalog["exchange"])
    assert exchange.status == "not_affected"
    assert exchange.note == "Two hosts"  # a blank note keeps the existing one
    assert exchange.assessed_by == ciso
    changed = AuditEvent.objects.filter(object_type="remediation")
    assert changed.count() == 2
    assert changed.get(object_id=str(exchange.pk)).changes == {
        "status": ["affected", "not_affected"]
    }


def test_moving_away_from_remediated_clears_the_date(agency, ciso, catalog, today):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="remediated",
                       resolved_on=today)  # fmt: skip
    remediation_mark_bulk(
        agency=agency, actor=ciso, vulnerability_ids=_ids(catalog["exchange"]), status="affected"
    )
    row = Remediation.objects.get(agency=agency)
    assert (row.status, row.resolved_on) == ("affected", None)


@pytest.mark.parametrize(
    ("status", "offset", "message"),
    [
        ("remediated", None, "Give the date the entries were remediated"),
        ("mitigated", None, "Give the date the entries were mitigated"),
        ("remediated", 1, "is in the future"),
        ("affected", 0, "A date applies only to mitigated or remediated"),
        ("not_assessed", None, "Entries can be marked"),
        ("patched", None, "Entries can be marked"),
    ],
)
def test_a_bad_mark_changes_nothing(agency, ciso, catalog, today, status, offset, message):
    RemediationFactory(agency=agency, vulnerability=catalog["exchange"], status="affected")
    resolved_on = None if offset is None else today + timedelta(days=offset)

    with pytest.raises(DomainError, match=message):
        remediation_mark_bulk(
            agency=agency, actor=ciso, vulnerability_ids=_ids(*catalog.values()),
            status=status, resolved_on=resolved_on,
        )  # fmt: skip

    assert list(Remediation.objects.values_list("status", flat=True)) == ["affected"]
    assert not AuditEvent.objects.exists()


def test_an_entry_missing_from_the_catalog_fails_the_whole_mark(agency, ciso, catalog):
    ids = [*_ids(*catalog.values()), 987654]
    with pytest.raises(DomainError, match="1 selected entry is no longer in the catalog"):
        remediation_mark_bulk(agency=agency, actor=ciso, vulnerability_ids=ids, status="affected")
    assert not Remediation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_empty_selection_is_refused(agency, ciso):
    with pytest.raises(DomainError, match="Select at least one entry"):
        remediation_mark_bulk(agency=agency, actor=ciso, vulnerability_ids=[], status="affected")


@pytest.mark.parametrize("who", ["leadership", "oversight", "other_ciso"])
def test_only_the_agency_ciso_may_mark(request, agency, catalog, who):
    with pytest.raises(PermissionDenied):
        remediation_mark_bulk(
            agency=agency, actor=request.getfixturevalue(who),
            vulnerability_ids=_ids(catalog["exchange"]), status="affected",
        )  # fmt: skip
    assert not Remediation.objects.exists()


def test_marking_refreshes_the_figures_once_after_commit(
    agency, ciso, catalog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        remediation_mark_bulk(
            agency=agency, actor=ciso, vulnerability_ids=_ids(*catalog.values()),
            status="not_affected",
        )  # fmt: skip
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:  # nothing changed: no refresh
        remediation_mark_bulk(
            agency=agency, actor=ciso, vulnerability_ids=_ids(*catalog.values()),
            status="not_affected",
        )  # fmt: skip
    assert callbacks == []
