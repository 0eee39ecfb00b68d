import factory

from apps.accounts.models import User
from tests.agencies.factories import AgencyFactory

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = User.Role.LEADERSHIP
    agency = None

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class CisoFactory(UserFactory):
    role = User.Role.AGENCY_CISO
    agency = factory.SubFactory(AgencyFactory)


class OversightFactory(UserFactory):
    role = User.Role.OVERSIGHT


class LeadershipFactory(UserFactory):
    role = User.Role.LEADERSHIP
