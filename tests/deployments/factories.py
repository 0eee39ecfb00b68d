import factory

from apps.deployments.models import DefenseTool, ToolDeployment
from tests.agencies.factories import AgencyFactory


class DefenseToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DefenseTool

    name = factory.Sequence(lambda n: f"AI-enabled tool type {n}")
    category = DefenseTool.Category.EDR
    ai_enabled = True


class ToolDeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolDeployment

    agency = factory.SubFactory(AgencyFactory)
    tool = factory.SubFactory(DefenseToolFactory)
    stage = ToolDeployment.Stage.PLANNED
    endpoints_covered = 100
