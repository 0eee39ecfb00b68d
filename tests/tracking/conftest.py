import pytest

from tests.tracking.scenario import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def derived_world(db) -> World:
    return build_world(derived=True)


@pytest.fixture
def transactional_world(transactional_db) -> World:
    return build_world()
