from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.agencies.models import Agency
from apps.directives.models import Directive, Milestone, Task
from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import VulnerabilityFactory
from tests.deployments.factories import DefenseToolFactory
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory

ET = ZoneInfo("America/New_York")


def et(*args) -> datetime:
    """A wall-clock time in the directive's zone, as an aware datetime."""
    return datetime(*args, tzinfo=ET)


@dataclass
class World:
    """A small directive: issued 2026-11-15 00:00 ET, M1 due day 7 (Nov 22, 23:59:59 ET),
    M2 due day 14 (Nov 29). Weights: T1 manual 3 (M1), T2 manual 2 (M2), T3 AI-EDR
    coverage 50 % 1 (M2), T4 KEV 4 (M2). Three KEV entries, all due before the directive."""

    directive: Directive
    m1: Milestone
    m2: Milestone
    t1: Task
    t2: Task
    t3: Task
    t4: Task
    agency: Agency
    edr: object
    vulns: list


@pytest.fixture
def world(db) -> World:
    directive = DirectiveFactory(code="EO-TEST", issued_at=datetime(2026, 11, 15, 5, tzinfo=UTC))
    m1 = MilestoneFactory(directive=directive, code="M1", day_offset=7)
    m2 = MilestoneFactory(directive=directive, code="M2", day_offset=14)
    t1 = TaskFactory(milestone=m1, code="T1", weight=3)
    t2 = TaskFactory(milestone=m2, code="T2", weight=2)
    t3 = TaskFactory(
        milestone=m2, code="T3", weight=1, measure=Task.Measure.TOOL_COVERAGE,
        coverage_target=Decimal("0.5"), coverage_category="edr", evidence_required=False,
    )  # fmt: skip
    t4 = TaskFactory(
        milestone=m2, code="T4", weight=4, measure=Task.Measure.KEV_REMEDIATION,
        evidence_required=False,
    )  # fmt: skip
    agency = AgencyFactory(endpoint_count=1000)
    vulns = [VulnerabilityFactory(due_date=date(2026, 10, d)) for d in (1, 2, 3)]
    return World(directive, m1, m2, t1, t2, t3, t4, agency, DefenseToolFactory(), vulns)
