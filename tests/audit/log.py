"""Audit events for the log's tests, written as the services write them (append-only
inserts), at chosen times."""

from datetime import datetime
from unittest import mock

from apps.audit.models import AuditEvent


def event(*, at: datetime | None = None, **fields) -> AuditEvent:
    """One audit row; `at` sets its time (occurred_at is stamped on insert, and the log
    cannot be updated afterwards, so the clock is set for the insert)."""
    values = {
        "action": AuditEvent.Action.UPDATE,
        "object_type": "agencytask",
        "object_id": "1",
        "object_repr": "T01 at Agency",
    } | fields
    if at is None:
        return AuditEvent.objects.create(**values)
    with mock.patch("django.utils.timezone.now", return_value=at):
        return AuditEvent.objects.create(**values)
