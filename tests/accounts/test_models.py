import pytest

from apps.accounts.models import User
from tests.accounts.factories import CisoFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.constraints import violates

pytestmark = pytest.mark.django_db


def test_a_ciso_without_an_agency_is_refused_by_the_database():
    with violates("user_agency_iff_ciso"):
        CisoFactory(agency=None)


def test_oversight_with_an_agency_is_refused_by_the_database():
    with violates("user_agency_iff_ciso"):
        OversightFactory(agency=AgencyFactory())


def test_an_unknown_role_is_refused_by_the_database():
    with violates("user_role_valid"):
        User.objects.create(username="x", role="admiral")


def test_createsuperuser_defaults_to_read_only_leadership():
    user = User.objects.create_superuser("root", "root@x.example", "pw-long-enough")
    assert user.role == User.Role.LEADERSHIP
    assert user.agency is None
