"""The one writer of the audit log. Services call it inside their own transaction, so a
change and its audit row commit or roll back together (STYLE rule 4)."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from apps.audit.models import AuditEvent


def audit_value(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the before → after record (dates and
    times as ISO 8601, decimals as strings, related objects as their key)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of `instance` as plain values (take one before and one after)."""
    return {f: audit_value(getattr(instance, f)) for f in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit_event(
    *,
    actor,
    action: str,
    instance: models.Model,
    agency_id: int | None,
    changes: Mapping[str, list] | None = None,
    comment: str = "",
    object_repr: str | None = None,
) -> AuditEvent:
    """One audit event, not yet saved: who (None for the system), what, which object, each
    field before → after. `object_repr` replaces str(instance) where that would cost a query
    per row (bulk paths). Save it with `audit_record_many`, or use `audit_record`."""
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        agency_id=agency_id,
        action=action,
        object_type=instance._meta.model_name,
        object_id=str(instance.pk),
        object_repr=(str(instance) if object_repr is None else object_repr)[:200],
        changes=dict(changes or {}),
        comment=comment,
    )


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model,
    agency_id: int | None,
    changes: Mapping[str, list] | None = None,
    comment: str = "",
) -> AuditEvent:
    """Append one audit event (see `audit_event`)."""
    event = audit_event(
        actor=actor,
        action=action,
        instance=instance,
        agency_id=agency_id,
        changes=changes,
        comment=comment,
    )
    event.save(force_insert=True)
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> None:
    """Append many events made by `audit_event` in one query (bulk marks, derived progress)."""
    AuditEvent.objects.bulk_create(list(events), batch_size=2000)
