import time

from django.core.management.base import BaseCommand

from apps.demo.services import login_lines, seed_demo, seed_summary


class Command(BaseCommand):
    help = (
        "Load the reference data and demo users, set the directive's clock to day N, and give "
        "every agency seeded progress. Safe to run again: existing data is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", type=int, default=None, help="Directive day today (12).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (2026).")

    def handle(self, *args, day=None, seed=2026, **options):
        started = time.perf_counter()
        result = seed_demo(day=12 if day is None else day, seed=seed, explicit_day=day is not None)
        self.stdout.write(seed_summary(result, seconds=time.perf_counter() - started))
        self.stdout.write("\n".join(login_lines(result["logins"])))
