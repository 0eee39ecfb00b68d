from decimal import Decimal

import pytest

from apps.directives.models import Task
from tests.constraints import violates
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_directive_needs_a_window_of_at_least_one_day():
    with violates("directive_window_positive"):
        DirectiveFactory(window_days=0)


def test_milestone_offsets_and_codes_are_unique_per_directive():
    milestone = MilestoneFactory(day_offset=7, code="M1")
    with violates("milestone_offset_unique"):
        MilestoneFactory(directive=milestone.directive, day_offset=7, code="M9")
    with violates("milestone_code_unique"):
        MilestoneFactory(directive=milestone.directive, day_offset=8, code="M1")


def test_a_milestone_cannot_fall_on_the_issue_day():
    with violates("milestone_offset_positive"):
        MilestoneFactory(day_offset=0)


def test_task_weight_is_at_least_one():
    with violates("task_weight_positive"):
        TaskFactory(weight=0)


def test_task_codes_are_unique_per_directive():
    task = TaskFactory(code="T01")
    with violates("task_code_unique"):
        TaskFactory(milestone=task.milestone, code="T01")


def test_task_measure_must_be_known():
    with violates("task_measure_valid"):
        TaskFactory(measure="vibes")


def test_a_coverage_task_needs_a_target_and_a_tool_category():
    with violates("task_coverage_fields"):
        TaskFactory(measure=Task.Measure.TOOL_COVERAGE, coverage_target=None, coverage_category="")
    with violates("task_coverage_fields"):
        TaskFactory(
            measure=Task.Measure.TOOL_COVERAGE,
            coverage_target=Decimal("1.5"),
            coverage_category="edr",
        )
    with violates("task_coverage_fields"):
        TaskFactory(measure=Task.Measure.MANUAL, coverage_target=Decimal("0.5"))
    ok = TaskFactory(
        measure=Task.Measure.TOOL_COVERAGE, coverage_target=Decimal("0.8"), coverage_category="edr"
    )
    assert ok.is_derived
