import factory

from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from tests.accounts.factories import CisoFactory
from tests.agencies.factories import AgencyFactory
from tests.directives.factories import TaskFactory


class AgencyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyTask

    agency = factory.SubFactory(AgencyFactory)
    task = factory.SubFactory(TaskFactory)
    status = AgencyTask.Status.NOT_STARTED
    percent = 0


class LinkEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    agency_task = factory.SubFactory(AgencyTaskFactory)
    kind = Evidence.Kind.LINK
    url = "https://records.agency.example/evidence/1"
    uploaded_by = factory.SubFactory(
        CisoFactory, agency=factory.SelfAttribute("..agency_task.agency")
    )


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtensionRequest

    agency_task = factory.SubFactory(AgencyTaskFactory)
    requested_due = factory.Faker("date_between", start_date="+1d", end_date="+20d")
    justification = "Hardware arrives after the milestone."
    requested_by = factory.SubFactory(
        CisoFactory, agency=factory.SelfAttribute("..agency_task.agency")
    )
