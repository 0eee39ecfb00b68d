import factory

from apps.agencies.models import Agency


class AgencyFactory(factory.django.DjangoModelFactory):
    """An independent agency (a reporting unit)."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Independent Agency {n:03d}")
    abbreviation = factory.Sequence(lambda n: f"IA{n:03d}")
    kind = Agency.Kind.INDEPENDENT
    tier = Agency.Tier.OTHER
    endpoint_count = 1000


class DepartmentFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Department {n:03d}")
    abbreviation = factory.Sequence(lambda n: f"D{n:03d}")
    kind = Agency.Kind.DEPARTMENT
    tier = Agency.Tier.CFO_ACT


class BureauFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Bureau {n:03d}")
    abbreviation = factory.Sequence(lambda n: f"B{n:03d}")
    kind = Agency.Kind.BUREAU
    parent = factory.SubFactory(DepartmentFactory)
    tier = factory.SelfAttribute("parent.tier")
