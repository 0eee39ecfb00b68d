"""The people of an agency's pages, shared by the page tests of several apps: the agency's
CISO, another agency's CISO, leadership and oversight. Import them into a conftest that
defines `agency` (ciso belongs to it)."""

import pytest

from tests.accounts.factories import CisoFactory, LeadershipFactory, OversightFactory


@pytest.fixture
def ciso(agency):
    return CisoFactory(agency=agency)


@pytest.fixture
def other_ciso():
    """The CISO of another agency: every page of `agency` must answer 404 to them."""
    return CisoFactory()


@pytest.fixture
def leadership():
    return LeadershipFactory()


@pytest.fixture
def oversight():
    return OversightFactory()
