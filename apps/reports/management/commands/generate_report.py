from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.agencies.models import Agency
from apps.reports.models import Report
from apps.reports.services import report_render, report_request


class Command(BaseCommand):
    help = (
        "Freeze the current figures, render a PDF report in this process and write it to "
        "--out (the report is also kept in the portal like any other)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", choices=Report.Scope.values, required=True)
        parser.add_argument("--agency", help="abbreviation of the agency (agency scope)")
        parser.add_argument("--out", required=True, help="path of the PDF to write")

    def handle(self, *args, scope, agency=None, out, **options):
        target = None
        if scope == Report.Scope.AGENCY:
            if not agency:
                raise CommandError("An agency report needs --agency ABBR.")
            matches = list(Agency.objects.filter(abbreviation__iexact=agency)[:2])
            if len(matches) != 1:
                found = "no agency" if not matches else "more than one agency"
                raise CommandError(f"--agency {agency}: {found} has that abbreviation.")
            target = matches[0]
        elif agency:
            raise CommandError("A fleet report covers every agency; leave out --agency.")
        requested = report_request(actor=None, scope=scope, agency=target, enqueue=False)
        report = report_render(report_id=requested.pk)
        if report is None or report.status != Report.Status.DONE:
            error = report.error if report else "deleted while rendering"
            raise CommandError(f"Report #{requested.pk} failed: {error}")
        with report.file.open("rb") as source:
            Path(out).write_bytes(source.read())
        self.stdout.write(
            f"Report #{report.pk}: {report.pages} pages, {report.size} bytes, "
            f"SHA-256 {report.sha256} -> {out}"
        )
