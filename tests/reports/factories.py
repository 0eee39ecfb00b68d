import factory

from apps.reports.models import Report
from tests.directives.factories import DirectiveFactory


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    scope = Report.Scope.FLEET
    directive = factory.SubFactory(DirectiveFactory)
