import time

from django.core.management.base import BaseCommand

from apps.demo.services import seed_demo


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
        directive = result["directive"]
        self.stdout.write(
            f"Directive {directive.code} issued {directive.issued_at:%Y-%m-%d}; "
            f"{result['agencies']} reporting agencies; new rows: {result['tasks']} tasks, "
            f"{result['deployments']} deployments, {result['remediations']} remediation records "
            f"({time.perf_counter() - started:.1f} s)."
        )
        self.stdout.write("Demo logins (local demo only):")
        for login in result["logins"]:
            agency = f" · {login.agency}" if login.agency else ""
            self.stdout.write(
                f"  {login.username:<11} password {login.password:<18} {login.role}{agency}"
            )
