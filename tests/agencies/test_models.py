import pytest

from apps.agencies.models import Agency
from tests.agencies.factories import AgencyFactory, BureauFactory, DepartmentFactory
from tests.constraints import violates

pytestmark = pytest.mark.django_db


def test_a_bureau_without_a_department_is_refused():
    with violates("agency_bureau_has_parent"):
        BureauFactory(parent=None, tier=Agency.Tier.OTHER)


def test_a_department_with_a_parent_is_refused():
    with violates("agency_bureau_has_parent"):
        DepartmentFactory(parent=DepartmentFactory())


def test_an_agency_cannot_be_its_own_parent():
    bureau = BureauFactory()
    bureau.parent_id = bureau.pk
    with violates("agency_not_own_parent"):
        bureau.save()


def test_unknown_kind_and_tier_are_refused():
    with violates("agency_kind_valid"):
        AgencyFactory(kind="ministry")
    with violates("agency_tier_valid"):
        AgencyFactory(tier="gold")


def test_two_top_level_agencies_cannot_share_a_name():
    AgencyFactory(name="Peace Corps")
    with violates("agency_top_name_unique"):
        AgencyFactory(name="Peace Corps")


def test_bureau_names_are_unique_within_a_department_only():
    department = DepartmentFactory()
    BureauFactory(parent=department, name="Office of Inspector General")
    BureauFactory(name="Office of Inspector General")  # another department: fine
    with violates("agency_bureau_name_unique"):
        BureauFactory(parent=department, name="Office of Inspector General")
