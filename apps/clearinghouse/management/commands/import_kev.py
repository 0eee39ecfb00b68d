from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.clearinghouse.services import kev_import
from apps.core.errors import ImportRejected


class Command(BaseCommand):
    help = "Import the KEV catalog from a URL or a file path (validated; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "source", nargs="?", default=None, help="URL or path (default: KEV_FEED_URL)."
        )

    def handle(self, *args, source=None, **options):
        source = source or settings.KEV_FEED_URL
        try:
            run = kev_import(source=source)
        except ImportRejected as exc:
            raise CommandError(f"KEV import rejected, nothing changed: {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"KEV catalog {run.catalog_version}: {run.entries} entries "
                f"({run.created} new, {run.updated} updated)."
            )
        )
