import pytest

from tests.tracking.scenario import World, build_world


@pytest.fixture
def scene(db) -> World:
    """Day 12 of 30 today: T01 and T05 (milestone day 7) are overdue, T02 and T06 (day 14)
    due within 3 days. Two agencies with their CISOs, oversight, leadership. Everyone has an
    e-mail address (the factories give one)."""
    return build_world(tasks=8)
