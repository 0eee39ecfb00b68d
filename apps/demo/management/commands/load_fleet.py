import time

from django.core.management.base import BaseCommand, CommandError

from apps.demo.services import load_fleet


class Command(BaseCommand):
    help = "Load N synthetic agencies with full progress data, for benchmarks (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, required=True)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, agencies: int, seed: int, **options):
        if agencies < 1:
            raise CommandError("--agencies must be at least 1.")
        started = time.perf_counter()
        result = load_fleet(agencies=agencies, seed=seed)
        self.stdout.write(
            f"Loaded {result['agencies']} synthetic agencies: {result['tasks']} tasks, "
            f"{result['deployments']} deployments, {result['remediations']} remediation records "
            f"in {time.perf_counter() - started:.1f} s."
        )
