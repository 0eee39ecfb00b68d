import logging
from dataclasses import asdict

from django.db import transaction
from django.utils import timezone

from apps.clearinghouse.feeds import KevCatalog, fetch_feed, parse_kev
from apps.clearinghouse.models import FeedImport, Vulnerability
from apps.core.errors import ImportRejected

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
    remediation history must survive)."""
    run = FeedImport.objects.create(source=source[:500])
    try:
        catalog = parse_kev(fetch_feed(source))
        with transaction.atomic():
            created, updated = _upsert_catalog(catalog)
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
