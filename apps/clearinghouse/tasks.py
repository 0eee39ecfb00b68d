from celery import shared_task
from django.conf import settings

from apps.clearinghouse.services import kev_import
from apps.core.errors import ImportRejected
from apps.core.jobs import JOB_OPTIONS


@shared_task(name="clearinghouse.import_kev_feed", **JOB_OPTIONS)
def import_kev_feed(source: str | None = None) -> dict:
    """Daily KEV import. A rejected feed is recorded as a failed FeedImport and changes
    nothing; it is not retried (the same file would fail again), tomorrow's run tries anew.
    The import itself recomputes the fleet when entries were added or changed."""
    try:
        run = kev_import(source=source or settings.KEV_FEED_URL)
    except ImportRejected as exc:
        return {"status": "failed", "error": exc.message}
    return {"status": "succeeded", "created": run.created, "updated": run.updated}
