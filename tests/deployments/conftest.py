from decimal import Decimal

import pytest

from apps.directives.models import Task
from tests.agencies.factories import AgencyFactory
from tests.deployments.factories import DefenseToolFactory
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory
from tests.people import ciso, leadership, other_ciso, oversight  # noqa: F401


@pytest.fixture
def agency():
    return AgencyFactory(endpoint_count=1000)


@pytest.fixture
def edr():
    return DefenseToolFactory(name="AI-enabled EDR", category="edr", ai_enabled=True)


@pytest.fixture
def antivirus():
    return DefenseToolFactory(name="Signature antivirus", category="edr", ai_enabled=False)


@pytest.fixture
def siem():
    return DefenseToolFactory(name="AI-enabled SIEM", category="siem_ueba", ai_enabled=True)


@pytest.fixture
def directive():
    """The current directive with two coverage tasks: 50 % EDR by day 14, 60 % SIEM by 21."""
    directive = DirectiveFactory()
    day14 = MilestoneFactory(directive=directive, code="M14", day_offset=14)
    day21 = MilestoneFactory(directive=directive, code="M21", day_offset=21)
    common = {"measure": Task.Measure.TOOL_COVERAGE, "evidence_required": False}
    TaskFactory(
        milestone=day14,
        code="T11",
        title="Reach 50% EDR coverage",
        coverage_target=Decimal("0.500"),
        coverage_category="edr",
        **common,
    )
    TaskFactory(
        milestone=day21,
        code="T17",
        title="Reach 60% SIEM coverage",
        coverage_target=Decimal("0.600"),
        coverage_category="siem_ueba",
        **common,
    )
    return directive
