"""The tracking services' rules: reasons, evidence, derived progress, versions, audit,
oversight's reviews, extension requests and decisions, and the figures refresh."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError, InvalidTransition, StaleVersion
from apps.readiness.clock import local_date
from apps.readiness.models import AgencyReadiness
from apps.tracking import services
from apps.tracking.models import AgencyTask, ExtensionRequest
from tests.tracking.factories import ExtensionRequestFactory, LinkEvidenceFactory
from tests.tracking.scenario import NEW_YORK, put_in

pytestmark = pytest.mark.django_db
S = AgencyTask.Status


def update(world, agency_task, **kwargs):
    kwargs.setdefault("version", agency_task.version)
    return services.agency_task_update(agency_task=agency_task, actor=world.ciso, **kwargs)


def events_of(agency_task):
    return list(
        AuditEvent.objects.filter(object_type="agencytask", object_id=str(agency_task.pk)).order_by(
            "pk"
        )
    )


# --- The CISO's update ----------------------------------------------------------------------


def test_update_saves_bumps_the_version_and_audits_before_and_after(world):
    agency_task = world.task("T01")
    result = update(world, agency_task, status=S.IN_PROGRESS, percent=40, notes="Scanning.")
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.status, stored.percent, stored.notes, stored.version) == (
        S.IN_PROGRESS,
        40,
        "Scanning.",
        2,
    )
    assert result.version == 2
    [event] = events_of(agency_task)
    assert event.action == AuditEvent.Action.STATUS
    assert event.actor == world.ciso
    assert event.agency_id == world.agency.pk
    assert event.changes == {
        "status": ["not_started", "in_progress"],
        "percent": [0, 40],
        "notes": ["", "Scanning."],
    }


def test_a_percent_change_alone_is_an_update_event(world):
    agency_task = put_in(world.task("T01"), S.IN_PROGRESS)
    update(world, agency_task, status=S.IN_PROGRESS, percent=70)
    [event] = events_of(agency_task)
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {"percent": [40, 70]}


def test_saving_nothing_new_changes_nothing(world):
    agency_task = put_in(world.task("T01"), S.IN_PROGRESS)
    update(world, agency_task, status=S.IN_PROGRESS, percent=40)
    assert AgencyTask.objects.get(pk=agency_task.pk).version == agency_task.version
    assert events_of(agency_task) == []


def test_a_stale_version_is_refused_and_overwrites_nothing(world):
    agency_task = world.task("T01")
    first = update(world, agency_task, status=S.IN_PROGRESS, percent=30)
    with pytest.raises(StaleVersion) as refused:
        # The second editor read the task at version 1, before the first save.
        update(world, agency_task, version=1, status=S.IN_PROGRESS, percent=90)
    assert refused.value.current_version == first.version == 2
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert (stored.percent, stored.version) == (30, 2)
    assert len(events_of(agency_task)) == 1


def test_blocked_needs_a_reason(world):
    agency_task = world.task("T01")
    with pytest.raises(DomainError) as refused:
        update(world, agency_task, status=S.BLOCKED, percent=10, blocked_reason="  ")
    assert refused.value.field == "blocked_reason"
    assert AgencyTask.objects.get(pk=agency_task.pk).status == S.NOT_STARTED


def test_leaving_blocked_clears_the_reason(world):
    agency_task = put_in(world.task("T01"), S.BLOCKED)
    result = update(world, agency_task, status=S.IN_PROGRESS, percent=50)
    assert result.blocked_reason == ""
    assert events_of(agency_task)[0].changes["blocked_reason"] == ["Waiting on the vendor.", ""]


def test_not_applicable_needs_a_justification(world):
    with pytest.raises(DomainError) as refused:
        update(world, world.task("T01"), status=S.NOT_APPLICABLE, percent=0)
    assert refused.value.field == "na_justification"


def test_changing_an_accepted_justification_asks_oversight_again(world):
    agency_task = put_in(
        world.task("T01"),
        S.NOT_APPLICABLE,
        na_accepted_at=timezone.now(),
        na_accepted_by=world.oversight,
    )
    result = update(
        world, agency_task, status=S.NOT_APPLICABLE, na_justification="A different reason."
    )
    assert result.na_accepted_at is None
    assert result.na_accepted_by is None


def test_completing_needs_evidence_where_the_task_requires_it(world):
    agency_task = put_in(world.task("T01"), S.IN_PROGRESS)
    with pytest.raises(DomainError) as refused:
        update(world, agency_task, status=S.COMPLETED)
    assert refused.value.field == "status"
    assert "Attach evidence" in refused.value.message
    LinkEvidenceFactory(agency_task=agency_task, uploaded_by=world.ciso)
    result = update(world, agency_task, status=S.COMPLETED)
    assert (result.status, result.percent) == (S.COMPLETED, 100)
    assert result.completed_at is not None


def test_completing_a_task_without_required_evidence_needs_none(world):
    agency_task = world.task("T01")
    agency_task.task.evidence_required = False
    agency_task.task.save()
    assert update(world, agency_task, status=S.COMPLETED).status == S.COMPLETED


def test_reopening_a_completed_task_clears_its_completion(world):
    agency_task = put_in(world.task("T01"), S.COMPLETED)
    result = update(world, agency_task, status=S.IN_PROGRESS, percent=80)
    assert (result.completed_at, result.percent) == (None, 80)


def test_not_started_means_zero_percent(world):
    agency_task = put_in(world.task("T01"), S.IN_PROGRESS)
    with pytest.raises(DomainError) as refused:
        update(world, agency_task, status=S.NOT_STARTED)
    assert refused.value.field == "percent"
    assert update(world, agency_task, status=S.NOT_STARTED, percent=0).status == S.NOT_STARTED


def test_the_percent_of_a_derived_task_cannot_be_set_by_hand(derived_world):
    agency_task = put_in(derived_world.task("T99"), S.IN_PROGRESS)
    with pytest.raises(DomainError) as refused:
        update(derived_world, agency_task, status=S.IN_PROGRESS, percent=90)
    assert refused.value.field == "percent"
    assert "measured from the agency's records" in refused.value.message
    # Its measured percent may be echoed back unchanged, and a blocker declared.
    result = update(
        derived_world, agency_task, status=S.BLOCKED, percent=40, blocked_reason="No licences."
    )
    assert (result.status, result.percent) == (S.BLOCKED, 40)


def test_a_verified_task_cannot_be_edited_even_in_place(world):
    agency_task = put_in(world.task("T01"), S.VERIFIED, reviewer=world.oversight)
    with pytest.raises(DomainError):
        update(world, agency_task, status=S.VERIFIED, notes="late note")


# --- Oversight's reviews ----------------------------------------------------------------------


def test_verify_records_who_and_when(world):
    agency_task = put_in(world.task("T01"), S.COMPLETED)
    result = services.agency_task_verify(
        agency_task=agency_task, actor=world.oversight, version=agency_task.version
    )
    assert result.status == S.VERIFIED
    assert result.verified_by == world.oversight
    assert result.completed_at == agency_task.completed_at
    [event] = events_of(agency_task)
    assert (event.action, event.actor) == (AuditEvent.Action.VERIFY, world.oversight)


def test_return_needs_a_comment_and_sends_the_task_back(world):
    agency_task = put_in(world.task("T01"), S.VERIFIED, reviewer=world.oversight)
    with pytest.raises(DomainError) as refused:
        services.agency_task_return(
            agency_task=agency_task, actor=world.oversight, version=agency_task.version, comment=""
        )
    assert refused.value.field == "comment"
    result = services.agency_task_return(
        agency_task=agency_task,
        actor=world.oversight,
        version=agency_task.version,
        comment="The scan is from last year.",
    )
    assert result.status == S.IN_PROGRESS
    assert result.return_comment == "The scan is from last year."
    assert result.returned_at is not None
    assert (result.verified_at, result.verified_by, result.completed_at) == (None, None, None)
    # No longer complete: it stops short of the full credit it had (was 100 %).
    assert result.percent == 90
    [event] = events_of(agency_task)
    assert event.changes["percent"] == [100, 90]
    assert (event.action, event.comment) == (
        AuditEvent.Action.RETURN,
        "The scan is from last year.",
    )


def test_reject_not_applicable_needs_a_comment_and_reopens_the_task(world):
    agency_task = put_in(world.task("T01"), S.NOT_APPLICABLE)
    with pytest.raises(DomainError):
        services.agency_task_na_reject(
            agency_task=agency_task, actor=world.oversight, version=agency_task.version, comment=""
        )
    result = services.agency_task_na_reject(
        agency_task=agency_task,
        actor=world.oversight,
        version=agency_task.version,
        comment="You operate two such systems.",
    )
    assert (result.status, result.na_justification) == (S.IN_PROGRESS, "")
    assert result.return_comment == "You operate two such systems."
    assert events_of(agency_task)[0].action == AuditEvent.Action.REJECT_NA


def test_oversight_reviews_are_version_checked(world):
    agency_task = put_in(world.task("T01"), S.COMPLETED)
    with pytest.raises(StaleVersion):
        services.agency_task_verify(
            agency_task=agency_task, actor=world.oversight, version=agency_task.version + 5
        )
    assert AgencyTask.objects.get(pk=agency_task.pk).status == S.COMPLETED


def test_oversight_cannot_use_the_cisos_update(world):
    with pytest.raises(PermissionDenied):
        services.agency_task_update(
            agency_task=world.task("T01"), actor=world.oversight, version=1, status=S.IN_PROGRESS
        )


# --- Figures refresh --------------------------------------------------------------------------


def test_every_task_change_refreshes_the_agency_figures_after_commit(
    world, django_capture_on_commit_callbacks
):
    agency_task = world.task("T01")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        update(world, agency_task, status=S.IN_PROGRESS, percent=100)
    assert len(callbacks) == 1
    figures = AgencyReadiness.objects.get(agency=world.agency, directive=world.directive)
    # T01 carries weight 3 of the 12 (four tasks of weight 3) at 100 %: EV = 0.25.
    assert figures.ev == pytest.approx(0.25)


def test_a_refused_save_refreshes_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(DomainError):
        update(world, world.task("T01"), status=S.BLOCKED, percent=5)
    assert callbacks == []


# --- Extension requests -----------------------------------------------------------------------


def _today():
    return local_date(timezone.now(), NEW_YORK)


def _deadline_date(world):
    return local_date(world.directive.issued_at, NEW_YORK) + timedelta(days=30)


def request_extension(world, agency_task, days_after_deadline=0, **kwargs):
    kwargs.setdefault("justification", "The appliance ships next month.")
    kwargs.setdefault("requested_due", _deadline_date(world) + timedelta(days=days_after_deadline))
    return services.extension_request_create(agency_task=agency_task, actor=world.ciso, **kwargs)


def test_a_ciso_requests_an_extension_and_it_is_audited(world):
    agency_task = world.task("T01")
    extension = request_extension(world, agency_task, 5)
    assert extension.status == ExtensionRequest.Status.PENDING
    assert extension.requested_by == world.ciso
    event = AuditEvent.objects.get(object_type="extensionrequest", object_id=str(extension.pk))
    assert event.action == AuditEvent.Action.REQUEST
    assert event.comment == "The appliance ships next month."


def test_the_new_date_must_fall_after_the_current_due(world):
    agency_task = world.task("T04")  # milestone M4: due on the deadline day
    with pytest.raises(DomainError) as refused:
        request_extension(world, agency_task, 0)
    assert refused.value.field == "requested_due"
    assert "on or after" in refused.value.message
    assert request_extension(world, agency_task, 1).status == "pending"


def test_the_new_date_may_reach_only_so_far_past_the_deadline(world, settings):
    settings.EXTENSION_MAX_DAYS_PAST_DEADLINE = 10
    with pytest.raises(DomainError) as refused:
        request_extension(world, world.task("T02"), 11)
    assert "at most 10 days past the directive's deadline" in refused.value.message
    assert request_extension(world, world.task("T02"), 10).status == "pending"


def test_one_pending_request_per_task(world):
    agency_task = world.task("T01")
    request_extension(world, agency_task, 3)
    with pytest.raises(DomainError) as refused:
        request_extension(world, agency_task, 4)
    assert "already has a pending extension request" in refused.value.message


def test_an_extension_needs_a_justification(world):
    with pytest.raises(DomainError) as refused:
        request_extension(world, world.task("T01"), 3, justification="   ")
    assert refused.value.field == "justification"


@pytest.mark.parametrize("status", [S.COMPLETED, S.VERIFIED, S.NOT_APPLICABLE])
def test_a_finished_task_needs_no_extension(world, status):
    agency_task = put_in(world.task("T01"), status, reviewer=world.oversight)
    with pytest.raises(InvalidTransition):
        request_extension(world, agency_task, 3)


@pytest.mark.parametrize("who", ["oversight", "leadership", "other_ciso"])
def test_only_the_agencys_ciso_requests_extensions(world, who):
    with pytest.raises(PermissionDenied):
        services.extension_request_create(
            agency_task=world.task("T01"),
            actor=getattr(world, who),
            requested_due=_deadline_date(world),
            justification="Need time.",
        )


def test_approval_moves_the_effective_due_and_refreshes_figures(
    world, django_capture_on_commit_callbacks
):
    agency_task = world.task("T01")
    extension = request_extension(world, agency_task, 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decided = services.extension_request_decide(
            extension=extension, actor=world.oversight, approve=True, comment="Granted."
        )
    assert len(callbacks) == 2  # the agency's figures, and the e-mail of the CISO's notice
    assert (decided.status, decided.decided_by, decided.decision_comment) == (
        "approved",
        world.oversight,
        "Granted.",
    )
    stored = AgencyTask.objects.get(pk=agency_task.pk)
    assert stored.extended_due == extension.requested_due
    assert stored.version == agency_task.version + 1
    actions = {
        e.action
        for e in AuditEvent.objects.filter(agency=world.agency).exclude(
            action=AuditEvent.Action.DERIVE
        )
    }
    assert actions == {"request", "approve"}
    task_event = events_of(agency_task)[0]
    assert task_event.changes == {"extended_due": [None, extension.requested_due.isoformat()]}


def test_a_denial_needs_a_comment_and_leaves_the_due_alone(world):
    agency_task = world.task("T01")
    extension = request_extension(world, agency_task, 3)
    with pytest.raises(DomainError):
        services.extension_request_decide(
            extension=extension, actor=world.oversight, approve=False, comment=""
        )
    decided = services.extension_request_decide(
        extension=extension, actor=world.oversight, approve=False, comment="Use a workaround."
    )
    assert decided.status == "denied"
    assert AgencyTask.objects.get(pk=agency_task.pk).extended_due is None


def test_a_decision_is_final_and_only_oversight_decides(world):
    extension = ExtensionRequestFactory(
        agency_task=world.task("T01"), requested_by=world.ciso, requested_due=_today()
    )
    for actor in (world.ciso, world.leadership):
        with pytest.raises(PermissionDenied):
            services.extension_request_decide(extension=extension, actor=actor, approve=True)
    services.extension_request_decide(extension=extension, actor=world.oversight, approve=True)
    with pytest.raises(InvalidTransition):
        services.extension_request_decide(
            extension=extension, actor=world.oversight, approve=False, comment="No."
        )
