"""Reads of the audit log for its page and its CSV export (STYLE rules 2 and 3).

The log holds every agency's changes, so reading it is oversight's alone (DESIGN: roles):
`audit_log_access` answers everyone else with the 404 of a page that does not exist, and
every selector here starts with it. A page costs the same queries whatever the size of the
log; the export walks the rows with a server-side cursor, never holding them all."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.db.models import QuerySet
from django.http import Http404
from django.utils.dateformat import format as date_format

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.audit.models import AuditEvent

# The records the services audit (DESIGN: audit log), by their `object_type`.
OBJECT_TYPES = {
    "agencytask": "Agency task",
    "evidence": "Evidence",
    "extensionrequest": "Extension request",
    "tooldeployment": "Tool deployment",
    "remediation": "Vulnerability remediation",
}
EXPORT_CHUNK = 2000


def can_read_audit_log(*, user: User) -> bool:
    """Oversight reads the audit log (DESIGN: roles); leadership reads dashboards and
    reports, CISOs their own agency's history on its task pages."""
    return bool(user.is_authenticated and user.is_oversight)


def audit_log_access(*, user: User) -> None:
    if not can_read_audit_log(user=user):
        raise Http404("No such page.")


@dataclass(frozen=True)
class AuditFilters:
    """What to show; None or empty leaves a dimension open. `start` is inclusive, `end`
    exclusive (the day after the last day asked for, in the display time zone)."""

    agency: int | None = None
    actor: int | None = None
    system_only: bool = False  # only changes made by the system (no actor)
    action: str = ""
    object_type: str = ""
    start: datetime | None = None
    end: datetime | None = None

    @property
    def active(self) -> bool:
        return any(
            (self.agency, self.actor, self.system_only, self.action, self.object_type)
        ) or any(d is not None for d in (self.start, self.end))


def audit_event_list(*, user: User, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Audit events matching the filters, newest first, with who and which agency."""
    audit_log_access(user=user)
    qs = AuditEvent.objects.select_related("actor", "agency")
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.system_only:
        qs = qs.filter(actor__isnull=True)
    elif filters.actor:
        qs = qs.filter(actor_id=filters.actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.start is not None:
        qs = qs.filter(occurred_at__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(occurred_at__lt=filters.end)
    return qs.order_by("-occurred_at", "-pk")


@dataclass(frozen=True)
class FilterOptions:
    agencies: list[tuple[int, str]]
    users: list[tuple[int, str]]


ROLE_SHORT = {
    User.Role.AGENCY_CISO: "CISO",
    User.Role.OVERSIGHT: "oversight",
    User.Role.LEADERSHIP: "leadership",
}


def audit_filter_options(*, user: User) -> FilterOptions:
    """Every agency and every user, labelled for the filter lists (two queries)."""
    audit_log_access(user=user)
    agencies = [
        (pk, f"{name} ({abbreviation})" if abbreviation else name)
        for pk, name, abbreviation in Agency.objects.order_by("name").values_list(
            "pk", "name", "abbreviation"
        )
    ]
    users = []
    for pk, username, first, last, role, agency in User.objects.order_by(
        "last_name", "first_name", "username"
    ).values_list("pk", "username", "first_name", "last_name", "role", "agency__abbreviation"):
        name = f"{first} {last}".strip() or username
        detail = ROLE_SHORT.get(role, role) + (f", {agency}" if agency else "")
        users.append((pk, f"{name} · {username} ({detail})"))
    return FilterOptions(agencies, users)


# --- The page: each event's changes ready to read --------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    object_label: str
    changes: list[Change]


_DATE_SUFFIXES = ("_at", "_due", "_date", "_since")
_LONG = 160


def _show(name: str, value, users: dict[str, str], tz: tzinfo) -> str:
    """A stored before/after value as a person reads it. Values are shown as stored (the
    log's point is what the record held), except people named by id and ISO times."""
    if value is None or value == "":
        return "—"
    if name.endswith("_by"):
        return users.get(str(value), f"user #{value}")
    if isinstance(value, str) and name.endswith(_DATE_SUFFIXES):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:
            return date_format(moment, "M j, Y")
        return date_format(moment.astimezone(tz), "M j, Y, g:i A T")
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= _LONG else text[: _LONG - 1] + "…"


def audit_rows(*, events: list[AuditEvent], tz: tzinfo) -> list[AuditRow]:
    """A page of events with their changes in field order, and the people their `*_by`
    fields name (one query for the page, none when nobody is named)."""
    ids = {
        str(value)
        for e in events
        for name, pair in (e.changes or {}).items()
        if name.endswith("_by")
        for value in pair
        if value
    }
    users = {}
    if ids:
        for pk, username, first, last in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "first_name", "last_name"
        ):
            users[str(pk)] = f"{first} {last}".strip() or username
    return [
        AuditRow(
            event=e,
            object_label=OBJECT_TYPES.get(e.object_type, e.object_type),
            changes=[
                Change(
                    name.replace("_", " "),
                    _show(name, pair[0] if pair else None, users, tz),
                    _show(name, pair[1] if len(pair) > 1 else None, users, tz),
                )
                for name, pair in sorted((e.changes or {}).items())
            ],
        )
        for e in events
    ]


# --- The export -------------------------------------------------------------------------------

EXPORT_HEADER = (
    "occurred_at_utc",
    "actor_username",
    "actor_name",
    "actor_role",
    "agency",
    "agency_abbreviation",
    "action",
    "action_label",
    "object_type",
    "object_id",
    "object",
    "changes_json",
    "comment",
)


def audit_export_rows(*, events: QuerySet[AuditEvent]) -> Iterator[tuple]:
    """The header, then one tuple of plain values per event, read in chunks through a
    server-side cursor so an export of the whole log never sits in memory."""
    yield EXPORT_HEADER
    labels = dict(AuditEvent.Action.choices)
    for e in events.iterator(chunk_size=EXPORT_CHUNK):
        actor, agency = e.actor, e.agency
        yield (
            e.occurred_at.isoformat(),
            actor.username if actor else "",
            actor.get_full_name() if actor else "System",
            actor.role if actor else "",
            agency.name if agency else "",
            agency.abbreviation if agency else "",
            e.action,
            labels.get(e.action, e.action),
            e.object_type,
            e.object_id,
            e.object_repr,
            json.dumps(e.changes, sort_keys=True, ensure_ascii=False),
            e.comment,
        )
