"""Records as they stood at a report's freeze time, rebuilt from the audit log.

A report is rendered from the readiness figures frozen when it was requested (its
ReadinessRun). The records it lists beside those figures (task statuses, deployments,
remediation) live in tables that keep changing, and a queue may delay a render. Every
change to those records writes its before → after to the append-only audit log in the same
transaction (DESIGN: audit log), so undoing the changes recorded after the freeze gives the
records as they were at the freeze, and the lists agree with the frozen figures.

Pure functions over loaded rows and events: no query here.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from apps.audit.models import AuditEvent


def rewind(
    rows: Sequence[models.Model],
    events: Iterable[AuditEvent],
    *,
    fields: Sequence[str],
) -> list[models.Model]:
    """Undo on `rows` (model instances, changed in place) the changes `events` recorded to
    `fields`, newest event first, so each field ends at the value it had before the oldest
    of them. `events` are the audit events of these rows' type after the freeze, in any
    order. Load only rows created before the freeze: a row created later did not exist."""
    if not rows:
        return []
    by_pk = {str(row.pk): row for row in rows}
    model = type(rows[0])
    ordered = sorted(events, key=lambda e: (e.occurred_at, e.pk), reverse=True)
    for event in ordered:
        row = by_pk.get(event.object_id)
        if row is None:
            continue
        for name, change in (event.changes or {}).items():
            if name not in fields or not isinstance(change, list | tuple) or len(change) != 2:
                continue
            field = model._meta.get_field(name)
            setattr(row, field.attname, _python_value(field, change[0]))
    return list(rows)


def _python_value(field: models.Field, value: Any) -> Any:
    """The audit log keeps plain JSON values (ISO dates, pk strings, Decimal strings)."""
    if value is None or (value == "" and field.null):
        return None
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    return field.to_python(value)
