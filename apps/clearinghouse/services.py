import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.permissions import require_agency_editor
from apps.agencies.selectors import agency_lock
from apps.audit.models import AuditEvent
from apps.audit.services import audit_event, audit_record_many, changes_between, snapshot
from apps.clearinghouse.feeds import KevCatalog, fetch_feed, parse_kev
from apps.clearinghouse.models import FeedImport, Remediation, Vulnerability
from apps.core.dates import EARLIEST_DATE, date_text
from apps.core.errors import DomainError, ImportRejected
from apps.directives.selectors import directive_current
from apps.readiness.services import agency_figures_refresh_on_commit, readiness_recompute

logger = logging.getLogger(__name__)

_KEV_FIELDS = (
    "vendor_project",
    "product",
    "name",
    "date_added",
    "short_description",
    "required_action",
    "due_date",
    "known_ransomware_use",
    "notes",
    "cwes",
)


def _upsert_catalog(catalog: KevCatalog) -> tuple[int, int]:
    existing = {v.cve_id: v for v in Vulnerability.objects.all()}
    now = timezone.now()
    to_create, to_update = [], []
    for entry in catalog.entries:
        values = asdict(entry)
        current = existing.get(entry.cve_id)
        if current is None:
            to_create.append(Vulnerability(**values, source="kev"))
            continue
        if any(getattr(current, f) != values[f] for f in _KEV_FIELDS):
            for f in _KEV_FIELDS:
                setattr(current, f, values[f])
            current.updated_at = now
            to_update.append(current)
    Vulnerability.objects.bulk_create(to_create, batch_size=500)
    Vulnerability.objects.bulk_update(to_update, [*_KEV_FIELDS, "updated_at"], batch_size=500)
    return len(to_create), len(to_update)


def kev_import(*, source: str) -> FeedImport:
    """Import the KEV catalog from a URL or file: validate against the schema, then upsert by
    CVE ID in one transaction. A bad feed changes nothing and leaves a failed FeedImport with
    the reason; entries missing from a newer feed are kept (CISA removes entries rarely, and
    remediation history must survive). Once entries were added or changed, the fleet's
    figures are recomputed (after the commit), whoever ran the import: the daily job or
    `manage.py import_kev`."""
    run = FeedImport.objects.create(source=source[:500])
    try:
        catalog = parse_kev(fetch_feed(source))
        with transaction.atomic():
            created, updated = _upsert_catalog(catalog)
            if created or updated:
                # New or changed entries (due dates) change which entries each KEV task
                # covers [R12]: the whole fleet is recomputed once they are committed.
                transaction.on_commit(_recompute_fleet)
    except ImportRejected as exc:
        run.status = FeedImport.Status.FAILED
        run.error = exc.message
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at", "updated_at"])
        logger.warning("KEV import from %s failed: %s", source, exc.message)
        raise
    run.status = FeedImport.Status.SUCCEEDED
    run.catalog_version = catalog.catalog_version
    run.entries = len(catalog.entries)
    run.created = created
    run.updated = updated
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "status",
            "catalog_version",
            "entries",
            "created",
            "updated",
            "finished_at",
            "updated_at",
        ]
    )
    return run


def _recompute_fleet() -> None:
    try:
        directive = directive_current()
    except Http404:
        return  # no directive issued yet: there are no figures to recompute
    readiness_recompute(directive=directive)


# --- Remediation ---------------------------------------------------------------------------

# What an agency can assert about an entry. "Not assessed" is no row, so it is not a mark.
MARK_STATUSES = (
    Remediation.Status.NOT_AFFECTED,
    Remediation.Status.AFFECTED,
    Remediation.Status.MITIGATED,
    Remediation.Status.REMEDIATED,
)
REMEDIATION_AUDITED = ("status", "resolved_on", "note")
# A page shows 50 entries; this bounds one request (and its audit rows) well above that.
MARK_MAX_ENTRIES = 500


@dataclass(frozen=True)
class MarkResult:
    """What a bulk mark did: rows created (first assessment), changed, and already so."""

    status: str
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _label(status: str) -> str:
    return Remediation.Status(status).label.lower()


def _validate_mark(*, status: str, resolved_on: date | None, today: date, count: int) -> None:
    if status not in MARK_STATUSES:
        allowed = ", ".join(_label(s) for s in MARK_STATUSES)
        raise DomainError(f"Entries can be marked {allowed}.", field="status")
    if count == 0:
        raise DomainError("Select at least one entry to mark.", field="vulnerabilities")
    if count > MARK_MAX_ENTRIES:
        raise DomainError(
            f"Mark at most {MARK_MAX_ENTRIES} entries at a time ({count} selected).",
            field="vulnerabilities",
        )
    if status in Remediation.CLOSED_STATUSES:
        if resolved_on is None:
            raise DomainError(
                f"Give the date the entries were {_label(status)}.", field="resolved_on"
            )
        if resolved_on > today:
            raise DomainError(
                f"The date {date_format(resolved_on, 'M j, Y')} is in the future; mark "
                f"entries {_label(status)} once the work is done.",
                field="resolved_on",
            )
        if resolved_on < EARLIEST_DATE:
            raise DomainError(
                f"Enter a date between {date_text(EARLIEST_DATE)} and {date_text(today)}.",
                field="resolved_on",
            )
    elif resolved_on is not None:
        raise DomainError(
            f"A date applies only to mitigated or remediated entries; leave it empty to mark "
            f"them {_label(status)}.",
            field="resolved_on",
        )


@transaction.atomic
def remediation_mark_bulk(
    *,
    agency: Agency,
    actor: User,
    vulnerability_ids: Iterable[int],
    status: str,
    resolved_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> MarkResult:
    """Mark the selected clearinghouse entries with one status for the agency (its CISO only).

    All or nothing: any bad input (unknown status, missing or future date for mitigated or
    remediated, a date for the others, an entry that does not exist) raises DomainError and
    changes nothing. Entries not yet assessed get their row; entries already so are left
    alone. One audit row per changed entry, all written in one query. A blank note keeps
    each entry's existing note."""
    now = now or timezone.now()
    require_agency_editor(user=actor, agency_id=agency.pk)
    ids = sorted(set(vulnerability_ids))
    # Dates are typed in the portal's display zone, so "the future" is judged there.
    _validate_mark(
        status=status, resolved_on=resolved_on, today=timezone.localdate(now), count=len(ids)
    )
    note = note.strip()
    # One writer per agency at a time: two bulk marks can then never both create a row for
    # the same entry (the unique constraint would fail one of them half-way).
    agency_lock(agency_id=agency.pk)
    cves = dict(Vulnerability.objects.filter(pk__in=ids).values_list("pk", "cve_id"))
    if len(cves) != len(ids):
        missing = len(ids) - len(cves)
        raise DomainError(
            f"{missing} selected entr{'y is' if missing == 1 else 'ies are'} no longer in the "
            "catalog; reload the list and select again.",
            field="vulnerabilities",
        )
    existing = {
        r.vulnerability_id: r
        for r in Remediation.objects.select_for_update().filter(
            agency=agency, vulnerability_id__in=ids
        )
    }
    unassessed = {"status": Remediation.Status.NOT_ASSESSED.value, "resolved_on": None, "note": ""}
    to_create: list[Remediation] = []
    to_update: list[Remediation] = []
    befores: dict[int, dict] = {}
    for vulnerability_id in ids:
        row = existing.get(vulnerability_id)
        if row is None:
            row = Remediation(agency=agency, vulnerability_id=vulnerability_id)
            befores[vulnerability_id] = unassessed
            to_create.append(row)
        else:
            befores[vulnerability_id] = snapshot(row, REMEDIATION_AUDITED)
        row.status = status
        row.resolved_on = resolved_on if status in Remediation.CLOSED_STATUSES else None
        if note:
            row.note = note
        if row.pk is not None:
            if not changes_between(befores[vulnerability_id], snapshot(row, REMEDIATION_AUDITED)):
                continue
            to_update.append(row)
        row.assessed_at = now
        row.assessed_by = actor
        row.updated_at = now  # bulk_update does not apply auto_now
    Remediation.objects.bulk_create(to_create, batch_size=500)
    Remediation.objects.bulk_update(
        to_update,
        ["status", "resolved_on", "note", "assessed_at", "assessed_by", "updated_at"],
        batch_size=500,
    )
    where = agency.abbreviation or agency.name
    audit_record_many(
        audit_event(
            actor=actor,
            action=AuditEvent.Action.ASSESS,
            instance=row,
            agency_id=agency.pk,
            changes=changes_between(
                befores[row.vulnerability_id], snapshot(row, REMEDIATION_AUDITED)
            ),
            comment=note,
            # str(row) would show ids; the CVE and the agency read better in the log.
            object_repr=f"{cves[row.vulnerability_id]} at {where}",
        )
        for row in [*to_create, *to_update]
    )
    if to_create or to_update:
        # KEV tasks derive from remediation: the agency's figures follow once committed.
        agency_figures_refresh_on_commit(agency_id=agency.pk)
    return MarkResult(
        status=status,
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(ids) - len(to_create) - len(to_update),
    )
