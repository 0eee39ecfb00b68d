"""Reads of the audit log for its page and its CSV export, and the one way an audit event's
changes are put into words (STYLE rules 2 and 3).

The log holds every agency's changes, so reading it is oversight's alone (DESIGN: roles):
`audit_log_access` answers everyone else with the 404 of a page that does not exist, and
every selector of the log starts with it. A page costs the same queries whatever the size of
the log; the export walks the rows with a server-side cursor, never holding them all.

`audit_rows` turns events into before → after lines for the log, a task's history and the
agency report alike: field and choice labels come from the audited models (`RECORDS`),
people named by `*_by` fields are read in one query, times are shown in the caller's zone."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import partial

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.dateformat import format as date_format

from apps.accounts.models import User, person_name
from apps.agencies.models import Agency
from apps.agencies.permissions import can_review
from apps.audit.models import AuditEvent
from apps.portal.formatting import moment as portal_moment


@dataclass(frozen=True)
class AuditedRecord:
    """A kind of record the services audit, by its `object_type`: how the log names it
    ("Agency task"), how a task's own history names it ("Task"), its model (by app label,
    for field and choice labels), and labels that read better than the verbose names."""

    label: str
    short: str
    model: str
    field_labels: dict[str, str]


# The records the services audit (DESIGN: audit log).
RECORDS = {
    "agencytask": AuditedRecord(
        "Agency task",
        "Task",
        "tracking.AgencyTask",
        {
            "percent": "Percent complete",
            "extended_due": "Extended due date",
            "na_justification": "Not-applicable justification",
            "na_accepted_at": "Not applicable accepted at",
            "na_accepted_by": "Not applicable accepted by",
        },
    ),
    "evidence": AuditedRecord(
        "Evidence", "Evidence", "tracking.Evidence", {"sha256": "SHA-256", "url": "Link"}
    ),
    "extensionrequest": AuditedRecord(
        "Extension request",
        "Extension",
        "tracking.ExtensionRequest",
        {"requested_due": "Requested due date"},
    ),
    "tooldeployment": AuditedRecord(
        "Tool deployment", "Deployment", "deployments.ToolDeployment", {}
    ),
    "remediation": AuditedRecord(
        "Vulnerability remediation", "Remediation", "clearinghouse.Remediation", {}
    ),
}
OBJECT_TYPES = {key: record.label for key, record in RECORDS.items()}
EXPORT_CHUNK = 2000


def audit_log_access(*, user: User) -> None:
    """Oversight reads the audit log (`can_review`); anyone else gets the 404 of a page
    that does not exist."""
    if not can_review(user=user):
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
        (agency.pk, agency.display_name)
        for agency in Agency.objects.order_by("name").only("pk", "name", "abbreviation")
    ]
    users = []
    for pk, username, first, last, role, agency in User.objects.order_by(
        "last_name", "first_name", "username"
    ).values_list("pk", "username", "first_name", "last_name", "role", "agency__abbreviation"):
        name = f"{first} {last}".strip() or username
        detail = ROLE_SHORT.get(role, role) + (f", {agency}" if agency else "")
        users.append((pk, f"{name} · {username} ({detail})"))
    return FilterOptions(agencies, users)


# --- Each event's changes, ready to read -----------------------------------------------------


@dataclass(frozen=True)
class Change:
    name: str  # the field as stored
    field: str  # its label
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    object_label: str  # "Agency task", as the log names the record
    subject: str  # "Task", as the record's own history names it
    changes: list[Change]


_LONG = 160  # longer text is cut here: the record itself keeps all of it
# Records of an unknown model: times are recognised by their field's name.
_TIME_SUFFIXES = ("_at", "_due", "_date", "_since", "_on")


def _model(object_type: str) -> type[models.Model] | None:
    record = RECORDS.get(object_type)
    return apps.get_model(record.model) if record else None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name) if model else None
    except LookupError:
        return None


def _field_label(object_type: str, name: str, field: models.Field | None) -> str:
    record = RECORDS.get(object_type)
    if record and name in record.field_labels:
        return record.field_labels[name]
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]
    return name.replace("_", " ").capitalize()


def _moment(value: str, field: models.Field | None, name: str) -> datetime | date | None:
    """An ISO value of a date or time field (by the model's field, or by the name for
    records of no known model), else None."""
    if field is not None:
        if not isinstance(field, models.DateField):  # DateTimeField is a DateField
            return None
    elif not name.endswith(_TIME_SUFFIXES):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.date()


def _show(
    value,
    *,
    name: str,
    field: models.Field | None,
    users: dict[str, str],
    tz: tzinfo,
    choice_labels: bool,
) -> str:
    """A stored before/after value as a person reads it."""
    if value is None or value == "":
        return "—"
    if name.endswith("_by"):
        return users.get(str(value), f"user #{value}")
    if choice_labels and field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "percent":
        return f"{value}%"
    if name == "size" and isinstance(value, int):
        return filesizeformat(value)
    if isinstance(value, str):
        moment = _moment(value, field, name)
        if isinstance(moment, datetime):
            return portal_moment(moment, tz)  # "Nov 27, 2026, 6:00 AM ET", as everywhere
        if moment is not None:
            return date_format(moment, "M j, Y")
        text = value
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _LONG else text[: _LONG - 1] + "…"


def _people(events: list[AuditEvent]) -> dict[str, str]:
    """Names of the people the events' `*_by` fields name, by id as stored (one query; none
    when nobody is named)."""
    ids = {
        str(value)
        for e in events
        for name, pair in (e.changes or {}).items()
        if name.endswith("_by") and isinstance(pair, list)
        for value in pair
        if value
    }
    if not ids:
        return {}
    return {
        str(pk): f"{first} {last}".strip() or username
        for pk, username, first, last in User.objects.filter(
            pk__in=[int(i) for i in ids if i.isdigit()]
        ).values_list("pk", "username", "first_name", "last_name")
    }


def audit_rows(
    *, events: list[AuditEvent], tz: tzinfo, choice_labels: bool = True
) -> list[AuditRow]:
    """Events with their changes put into words: each field's label, before → after, in the
    model's field order; choices by their labels (`choice_labels=False` keeps the stored
    codes), people by name, instants in `tz`, dates as dates, long text cut short. One query
    for the people named, none when nobody is."""
    users = _people(events)
    rows = []
    for e in events:
        model = _model(e.object_type)
        order = [f.name for f in model._meta.fields] if model else []
        pairs = [
            (name, pair)
            for name, pair in (e.changes or {}).items()
            if isinstance(pair, list) and len(pair) == 2
        ]
        # JSON columns keep no key order: show fields as the model declares them.
        pairs.sort(key=lambda p: (order.index(p[0]) if p[0] in order else len(order), p[0]))
        changes = []
        for name, (before, after) in pairs:
            field = _model_field(model, name)
            show = partial(
                _show, name=name, field=field, users=users, tz=tz, choice_labels=choice_labels
            )
            label = _field_label(e.object_type, name, field)
            changes.append(Change(name, label, show(before), show(after)))
        record = RECORDS.get(e.object_type)
        rows.append(
            AuditRow(
                event=e,
                object_label=record.label if record else e.object_type,
                subject=record.short if record else e.object_type,
                changes=changes,
            )
        )
    return rows


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
            person_name(actor),
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
