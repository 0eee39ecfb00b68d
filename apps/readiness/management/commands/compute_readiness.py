import time

from django.core.management.base import BaseCommand, CommandError

from apps.directives.models import Directive
from apps.readiness.scoring import Rating
from apps.readiness.services import readiness_recompute


class Command(BaseCommand):
    help = "Recompute every agency's readiness now and print the fleet's figures."

    def add_arguments(self, parser):
        parser.add_argument("--directive", help="Directive code (default: the current one).")

    def handle(self, *args, directive=None, **options):
        chosen = None
        if directive:
            chosen = Directive.objects.filter(code=directive).first()
            if chosen is None:
                raise CommandError(f"No directive with code {directive!r}.")
        started = time.perf_counter()
        result = readiness_recompute(directive=chosen)
        elapsed = time.perf_counter() - started
        fleet = result.fleet
        spi = f"{fleet.spi:.2f}" if fleet.spi is not None else "n/a"
        self.stdout.write(f"Directive {result.directive.code}: {fleet.agencies} agencies")
        for rating in Rating.ALL:
            self.stdout.write(f"  {rating:<6} {fleet.by_rating[rating]}")
        self.stdout.write(
            f"Fleet EV {fleet.ev:.1%}  PV {fleet.pv:.1%}  SPI {spi}; "
            f"{result.derived_changes} derived tasks updated; {elapsed:.2f} s"
        )
