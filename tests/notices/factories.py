import factory
from django.utils import timezone

from apps.notices.models import Notice
from tests.accounts.factories import CisoFactory


class NoticeFactory(factory.django.DjangoModelFactory):
    """A notice as a change logs it (a verification); delivered unless told otherwise."""

    class Meta:
        model = Notice

    user = factory.SubFactory(CisoFactory)
    kind = Notice.Kind.VERIFIED
    item_key = factory.Sequence(lambda n: f"agencytask:{n}@v2")
    day = factory.LazyFunction(lambda: timezone.localdate())
    subject = factory.Sequence(lambda n: f"T{n:02d} was verified by oversight: Harden system {n}")
    body = "Oversight's comment: Well evidenced."
    link = "/reports/"
    sent_at = factory.LazyFunction(timezone.now)
    emailed = True
