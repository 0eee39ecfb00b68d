import pytest

from tests.tracking.scenario import World, build_world


@pytest.fixture
def world(db) -> World:
    """Day 12 of 30: milestone M1 (day 7) has passed; T01 and T05 fall under it."""
    return build_world(tasks=8)
