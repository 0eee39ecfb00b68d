from datetime import date

import factory
from django.utils import timezone

from apps.readiness.models import AgencyReadiness, ReadinessRun, ReadinessSnapshot
from tests.agencies.factories import AgencyFactory
from tests.directives.factories import DirectiveFactory


class FiguresMixin(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    computed_at = factory.LazyFunction(timezone.now)
    day_number = 12
    ev = 0.4
    pv = 0.5
    spi = 0.8
    rating = "amber"


class AgencyReadinessFactory(FiguresMixin):
    class Meta:
        model = AgencyReadiness

    agency = factory.SubFactory(AgencyFactory)
    directive = factory.SubFactory(DirectiveFactory)


class ReadinessRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadinessRun

    directive = factory.SubFactory(DirectiveFactory)
    kind = ReadinessRun.Kind.DAILY
    computed_at = factory.LazyFunction(timezone.now)
    day_number = 12
    snapshot_date = date(2026, 11, 27)
    ev = 0.4
    pv = 0.5
    spi = 0.8


class ReadinessSnapshotFactory(FiguresMixin):
    class Meta:
        model = ReadinessSnapshot

    run = factory.SubFactory(ReadinessRunFactory)
    directive = factory.SelfAttribute("run.directive")
    agency = factory.SubFactory(AgencyFactory)
