"""`audit_rows`: the one wording of an event's changes, shared by the audit log, a task's
history and the agency report."""

from zoneinfo import ZoneInfo

import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_rows
from tests.accounts.factories import OversightFactory
from tests.audit.log import event

pytestmark = pytest.mark.django_db
ET = ZoneInfo("America/New_York")


def test_changes_are_labelled_from_the_model_with_people_by_name_and_times_in_the_zone(
    django_assert_num_queries,
):
    reviewer = OversightFactory(first_name="Olive", last_name="Park")
    events = [
        event(
            action=AuditEvent.Action.VERIFY,
            changes={
                "verified_at": [None, "2026-11-27T15:42:00+00:00"],
                "status": ["completed", "verified"],
                "verified_by": [None, str(reviewer.pk)],
                "percent": [90, 100],
                "extended_due": [None, "2026-12-04"],
            },
        ),
        event(object_type="extensionrequest", changes={"status": [None, "pending"]}),
    ]

    with django_assert_num_queries(1):  # the people named, once for all events
        task, extension = audit_rows(events=events, tz=ET)

    assert task.subject == "Task"
    assert task.object_label == "Agency task"
    # In the model's field order, whatever order the JSON column kept.
    assert [(c.field, c.before, c.after) for c in task.changes] == [
        ("Status", "Completed", "Verified"),
        ("Percent complete", "90%", "100%"),
        ("Extended due date", "—", "Dec 4, 2026"),
        ("Verified at", "—", "Nov 27, 2026, 10:42 AM ET"),
        ("Verified by", "—", "Olive Park"),
    ]
    assert [(c.field, c.after) for c in extension.changes] == [("Status", "Pending")]


def test_the_log_can_keep_stored_codes_and_names_no_one_without_a_query(
    django_assert_num_queries,
):
    events = [event(changes={"status": ["in_progress", "completed"]})]
    with django_assert_num_queries(0):
        (row,) = audit_rows(events=events, tz=ET, choice_labels=False)
    assert [(c.before, c.after) for c in row.changes] == [("in_progress", "completed")]


def test_records_of_no_known_model_read_times_by_their_field_names_and_cut_long_text():
    long = "x" * 400
    (row,) = audit_rows(
        events=[
            event(
                object_type="somethingelse",
                changes={"seen_at": [None, "2026-11-27T15:42:00+00:00"], "note": ["", long]},
            )
        ],
        tz=ET,
    )
    shown = {c.name: c.after for c in row.changes}
    assert shown["seen_at"] == "Nov 27, 2026, 10:42 AM ET"
    assert len(shown["note"]) == 160
    assert shown["note"].endswith("…")
    assert row.subject == row.object_label == "somethingelse"
