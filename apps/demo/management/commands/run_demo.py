"""`make run`: prepare the local demo in this one Django process, then serve the web from
it and run the worker with the scheduler beside it until Ctrl-C (apps/demo/stack.py).

Each step is skipped when already done, so a second start reaches its first page in a few
seconds: migrations only when some are unapplied; the demo data's loader adds only what
is missing (nothing, once loaded); the schedules are written again (idempotent, instant).
Static files need no collecting: WhiteNoise serves them from the source folders
(config/settings/local.py)."""

import io
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from apps.core.jobs import lost_jobs_sweep
from apps.demo import stack
from apps.demo.services import Login, login_lines, seed_demo, seed_summary
from apps.directives.selectors import directive_schedule
from apps.tracking.models import AgencyTask

DEMO_DAY = 12


class Command(BaseCommand):
    help = "Prepare the local demo (only what is missing) and run web, worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        worker = stack.Worker()
        with stack.terminal_foreground():
            try:
                self.migrate()
                logins = self.seed()
                try:
                    web = stack.Web(host=host, port=port)
                except OSError as exc:
                    raise CommandError(
                        f"Cannot serve on {host}:{port} ({exc.strerror}); "
                        "`PORT=8080 make run` picks another port."
                    ) from exc
                web.start()
                # The worker and its share of the set-up come once the first page can be
                # served: on 2 cores they would slow it down.
                self.prepare_jobs()
                worker.start()
            except KeyboardInterrupt:
                worker.stop()
                self.stdout.write("Interrupted; nothing is left running.")
                sys.exit(130)
            self.stdout.write(self.banner(host, port, logins))
            stopped = stack.wait_for_stop(worker)
            if stopped:
                self.stdout.write("Stopping web, worker and scheduler...")
            worker.stop()
            web.stop()
        if not stopped:
            raise CommandError(
                f"The worker stopped on its own (exit status {worker.process.returncode}); "
                "the web server was stopped too."
            )
        self.stdout.write("Stopped web, worker and scheduler.")

    def prepare_jobs(self) -> None:
        call_command("sync_schedules", stdout=io.StringIO())
        # No worker runs yet: a report that was rendering when the demo last stopped is
        # lost (the embedded broker never hands a job out twice); queue it again.
        for swept in lost_jobs_sweep(stopped=True):
            self.stdout.write(
                f"Jobs: {swept.model} #{swept.pk} was interrupted by the last stop; "
                f"{'queued again' if swept.outcome == 'requeued' else 'marked failed'}."
            )
        connections.close_all()  # the worker opens its own

    def migrate(self) -> None:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            self.stdout.write("Database: up to date.")
            return
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"Database: applied {len(plan)} migrations ({time.perf_counter() - started:.1f} s)."
        )

    def seed(self) -> list[Login]:
        if not AgencyTask.objects.exists():
            self.stdout.write("Demo data: loading (about half a minute, the first time only)...")
        started = time.perf_counter()
        result = seed_demo(day=DEMO_DAY, seed=2026, explicit_day=False)
        if any(result[kind] for kind in ("tasks", "deployments", "remediations")):
            seconds = time.perf_counter() - started
            self.stdout.write(f"Demo data: {seed_summary(result, seconds=seconds)}")
            return result["logins"]
        directive = result["directive"]
        clock = directive_schedule(directive=directive).clock(timezone.now())
        # The clock runs on between starts; the demo was made to be looked at on day 12.
        back = "" if clock.day_number == DEMO_DAY else "; `manage.py seed_demo --day 12` resets it"
        self.stdout.write(
            f"Demo data: already loaded ({directive.code}, day {clock.day_number} of "
            f"{clock.window_days}{back})."
        )
        return result["logins"]

    def banner(self, host: str, port: int, logins: list[Login]) -> str:
        return "\n".join(
            [
                "",
                f"  Cyber Readiness Portal: http://{host}:{port}/"
                "   (Ctrl-C stops web, worker and scheduler)",
                "",
                *(f"  {line}" for line in login_lines(logins)),
                "",
            ]
        )
