"""The AgencyTask state machine: every (from, to) pair, for each role, through the services.

The expected tables are written out here as the specification (DESIGN: "Transitions are a
small explicit state machine"), not imported from the code under test."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from apps.core.errors import InvalidTransition
from apps.tracking import services
from apps.tracking.models import AgencyTask
from tests.tracking.factories import LinkEvidenceFactory
from tests.tracking.scenario import put_in

pytestmark = pytest.mark.django_db

NS, IP, B, C, V, NA = (
    "not_started",
    "in_progress",
    "blocked",
    "completed",
    "verified",
    "not_applicable",
)
STATUSES = (NS, IP, B, C, V, NA)
PAIRS = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if a != b]

CISO_MANUAL = {
    (NS, IP), (NS, B), (NS, C), (NS, NA),
    (IP, NS), (IP, B), (IP, C), (IP, NA),
    (B, NS), (B, IP), (B, C), (B, NA),
    (C, IP),
    (NA, NS), (NA, IP),
}  # fmt: skip
CISO_DERIVED = {
    (NS, B), (NS, NA),
    (IP, B), (IP, NA),
    (B, NS), (B, IP), (B, NA),
    (NA, NS), (NA, IP),
}  # fmt: skip
OVERSIGHT = {(C, V), (C, IP), (V, IP), (NA, IP)}


def _ciso_attempt(world, agency_task, to):
    return services.agency_task_update(
        agency_task=agency_task,
        actor=world.ciso,
        version=agency_task.version,
        status=to,
        percent=None if agency_task.task.is_derived else (0 if to == NS else 50),
        blocked_reason="Waiting for parts.",
        na_justification="No such system here.",
    )


def _oversight_attempt(world, agency_task, to, actor=None):
    """Oversight's service for the move: verify to Verified; return (or reject a
    not-applicable claim) to In progress; any other move only the CISO's update could make."""
    kwargs = {
        "agency_task": agency_task,
        "actor": actor or world.oversight,
        "version": agency_task.version,
    }
    if to == V:
        return services.agency_task_verify(**kwargs)
    if to == IP and agency_task.status == NA:
        return services.agency_task_na_reject(**kwargs, comment="You run such a system.")
    if to == IP:
        return services.agency_task_return(**kwargs, comment="Attach the signed scan.")
    return services.agency_task_update(**kwargs, status=to, percent=50)


def _start(world, code, status):
    agency_task = put_in(world.task(code), status, reviewer=world.oversight)
    # Completing needs evidence on tasks that require it; the table is about the state
    # machine, so the evidence is there.
    LinkEvidenceFactory(agency_task=agency_task, uploaded_by=world.ciso)
    return agency_task


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_ciso_moves_a_manual_task_only_along_the_table(world, source, target):
    agency_task = _start(world, "T01", source)
    if (source, target) in CISO_MANUAL:
        result = _ciso_attempt(world, agency_task, target)
        assert result.status == target
        assert AgencyTask.objects.get(pk=agency_task.pk).version == agency_task.version + 1
    else:
        with pytest.raises(InvalidTransition):
            _ciso_attempt(world, agency_task, target)
        assert AgencyTask.objects.get(pk=agency_task.pk).status == source


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_ciso_moves_a_derived_task_only_along_the_table(derived_world, source, target):
    agency_task = _start(derived_world, "T99", source)
    if (source, target) in CISO_DERIVED:
        assert _ciso_attempt(derived_world, agency_task, target).status == target
    else:
        with pytest.raises(InvalidTransition):
            _ciso_attempt(derived_world, agency_task, target)
        assert AgencyTask.objects.get(pk=agency_task.pk).status == source


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_oversight_moves_a_task_only_along_the_table(world, source, target):
    agency_task = _start(world, "T01", source)
    if (source, target) in OVERSIGHT:
        assert _oversight_attempt(world, agency_task, target).status == target
    else:
        with pytest.raises((InvalidTransition, PermissionDenied)):
            _oversight_attempt(world, agency_task, target)
        assert AgencyTask.objects.get(pk=agency_task.pk).status == source


@pytest.mark.parametrize(("source", "target"), PAIRS)
@pytest.mark.parametrize("who", ["leadership", "other_ciso"])
def test_leadership_and_other_agencies_move_nothing(world, who, source, target):
    agency_task = _start(world, "T01", source)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.agency_task_update(
            agency_task=agency_task,
            actor=actor,
            version=agency_task.version,
            status=target,
            blocked_reason="x",
            na_justification="x",
        )
    with pytest.raises((PermissionDenied, InvalidTransition)):
        _oversight_attempt(world, agency_task, target, actor=actor)
    assert AgencyTask.objects.get(pk=agency_task.pk).status == source


@pytest.mark.parametrize("source", STATUSES)
def test_only_oversight_accepts_an_open_not_applicable_claim(world, source):
    agency_task = _start(world, "T01", source)
    for actor in (world.ciso, world.leadership):
        with pytest.raises(PermissionDenied):
            services.agency_task_na_accept(
                agency_task=agency_task, actor=actor, version=agency_task.version
            )
    if source == NA:
        result = services.agency_task_na_accept(
            agency_task=agency_task, actor=world.oversight, version=agency_task.version
        )
        assert result.na_accepted_by == world.oversight
        assert result.na_accepted_at is not None
    else:
        with pytest.raises(InvalidTransition):
            services.agency_task_na_accept(
                agency_task=agency_task, actor=world.oversight, version=agency_task.version
            )


def test_an_illegal_move_is_refused_naming_the_allowed_ones(world):
    agency_task = _start(world, "T01", C)
    with pytest.raises(InvalidTransition) as refused:
        _ciso_attempt(world, agency_task, B)
    assert refused.value.message == (
        "A task that is Completed cannot be changed to Blocked. Allowed from Completed: "
        "In progress."
    )


def test_a_verified_task_is_closed_to_the_ciso(world):
    agency_task = _start(world, "T01", V)
    with pytest.raises(InvalidTransition) as refused:
        _ciso_attempt(world, agency_task, IP)
    assert "no status change is open to you from Verified" in refused.value.message


def test_a_derived_task_cannot_be_completed_by_hand_and_says_why(derived_world):
    agency_task = _start(derived_world, "T99", IP)
    with pytest.raises(InvalidTransition) as refused:
        _ciso_attempt(derived_world, agency_task, C)
    assert "Allowed from In progress: Blocked, Not applicable." in refused.value.message
    assert "measured from the agency's records" in refused.value.message
