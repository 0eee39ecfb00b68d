from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError, StaleVersion
from apps.deployments.models import ToolDeployment
from apps.deployments.services import (
    agency_endpoints_update,
    deployment_create,
    deployment_update,
)
from apps.readiness.models import AgencyReadiness
from tests.deployments.factories import ToolDeploymentFactory

pytestmark = pytest.mark.django_db


def _create(agency, actor, tool, **overrides):
    values = {"stage": "planned", "endpoints_covered": 100, "go_live_date": None}
    return deployment_create(agency=agency, actor=actor, tool=tool, **(values | overrides))


def _update(deployment, actor, **overrides):
    values = {
        "version": deployment.version,
        "tool": deployment.tool,
        "stage": deployment.stage,
        "endpoints_covered": deployment.endpoints_covered,
        "go_live_date": deployment.go_live_date,
        "product_notes": deployment.product_notes,
    }
    return deployment_update(deployment=deployment, actor=actor, **(values | overrides))


# --- create ---------------------------------------------------------------------------------


def test_create_records_the_deployment_and_one_audit_row(agency, ciso, edr):
    deployment = _create(agency, ciso, edr, product_notes="  Vendor X agent  ")

    assert deployment.stage == "planned"
    assert deployment.product_notes == "Vendor X agent"
    assert deployment.operational_since is None
    event = AuditEvent.objects.get(object_type="tooldeployment", object_id=str(deployment.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == ciso
    assert event.agency_id == agency.pk
    assert event.changes["stage"] == [None, "planned"]
    assert event.changes["endpoints_covered"] == [None, 100]


def test_create_operational_sets_operational_since_to_now(agency, ciso, edr):
    now = timezone.now()
    deployment = _create(
        agency, ciso, edr, stage="operational", go_live_date=timezone.localdate(now), now=now
    )
    assert deployment.operational_since == now


def test_operational_needs_a_go_live_date(agency, ciso, edr):
    with pytest.raises(DomainError, match="needs its go-live date") as excinfo:
        _create(agency, ciso, edr, stage="operational", go_live_date=None)
    assert excinfo.value.field == "go_live_date"
    assert not ToolDeployment.objects.exists()
    assert not AuditEvent.objects.exists()


def test_operational_go_live_date_cannot_be_in_the_future(agency, ciso, edr):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="in the future"):
        _create(agency, ciso, edr, stage="operational", go_live_date=tomorrow)
    # A planned deployment may carry its planned go-live date.
    assert _create(agency, ciso, edr, stage="planned", go_live_date=tomorrow).go_live_date


@pytest.mark.parametrize(
    ("stage", "go_live"),
    [
        ("operational", date(1, 1, 1)),
        ("planned", date(1, 1, 1)),
        ("planned", date(9999, 12, 31)),
        ("planned", None),  # replaced below by a date just over a year ahead
    ],
)
def test_a_go_live_date_outside_a_sane_window_is_refused(agency, ciso, edr, stage, go_live):
    go_live = go_live or timezone.localdate() + timedelta(days=366)
    with pytest.raises(DomainError, match="Enter a go-live date between Jan 1, 2000") as excinfo:
        _create(agency, ciso, edr, stage=stage, go_live_date=go_live)
    assert excinfo.value.field == "go_live_date"
    assert not ToolDeployment.objects.exists()
    assert not AuditEvent.objects.exists()


def test_endpoints_covered_cannot_exceed_the_agency_endpoint_count(agency, ciso, edr):
    with pytest.raises(DomainError) as excinfo:
        _create(agency, ciso, edr, endpoints_covered=1001)
    assert excinfo.value.field == "endpoints_covered"
    assert "exceeds the agency's endpoint count (1,000)" in excinfo.value.message
    assert _create(agency, ciso, edr, endpoints_covered=1000).endpoints_covered == 1000


@pytest.mark.parametrize("who", ["leadership", "oversight", "other_ciso"])
def test_only_the_agency_ciso_may_create(request, agency, edr, who):
    with pytest.raises(PermissionDenied):
        _create(agency, request.getfixturevalue(who), edr)
    assert not ToolDeployment.objects.exists()


def test_create_refreshes_the_agency_figures_after_commit(
    agency, ciso, edr, directive, django_capture_on_commit_callbacks
):
    from apps.tracking.services import agency_tasks_assign

    agency_tasks_assign(directive=directive, agency_ids=[agency.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _create(
            agency, ciso, edr, stage="operational", endpoints_covered=600,
            go_live_date=timezone.localdate(),
        )  # fmt: skip
    assert len(callbacks) == 1
    figures = AgencyReadiness.objects.get(agency=agency, directive=directive)
    assert figures.computed_at is not None


# --- update ---------------------------------------------------------------------------------


def test_stale_version_is_refused_and_nothing_is_overwritten(agency, ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr, endpoints_covered=100)
    read_at = deployment.version
    _update(deployment, ciso, endpoints_covered=200)  # someone else saves first

    with pytest.raises(StaleVersion) as excinfo:
        _update(deployment, ciso, version=read_at, endpoints_covered=300)

    assert excinfo.value.current_version == read_at + 1
    deployment.refresh_from_db()
    assert deployment.endpoints_covered == 200
    assert deployment.version == read_at + 1
    assert AuditEvent.objects.filter(object_type="tooldeployment").count() == 1


def test_update_bumps_the_version_and_audits_before_and_after(agency, ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr, endpoints_covered=100)

    saved = _update(deployment, ciso, stage="piloting", endpoints_covered=250)

    assert saved.version == 2
    event = AuditEvent.objects.get(object_type="tooldeployment")
    assert event.action == AuditEvent.Action.STATUS
    assert event.changes == {"stage": ["planned", "piloting"], "endpoints_covered": [100, 250]}


def test_a_save_that_changes_nothing_writes_nothing(agency, ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    saved = _update(deployment, ciso)
    assert saved.version == 1
    assert not AuditEvent.objects.exists()


def test_becoming_operational_stamps_now_staying_keeps_it_leaving_clears_it(agency, ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr, stage="deploying")
    live_at = timezone.now() - timedelta(hours=2)
    today = timezone.localdate()

    deployment = _update(deployment, ciso, stage="operational", go_live_date=today, now=live_at)
    assert deployment.operational_since == live_at

    deployment = _update(deployment, ciso, endpoints_covered=300)
    assert deployment.operational_since == live_at  # still operational: the clock keeps running

    deployment = _update(deployment, ciso, stage="retired")
    assert deployment.operational_since is None
    deployment.refresh_from_db()
    assert (deployment.stage, deployment.operational_since) == ("retired", None)


def test_the_tool_can_be_corrected(agency, ciso, edr, antivirus):
    deployment = ToolDeploymentFactory(agency=agency, tool=antivirus)
    saved = _update(deployment, ciso, tool=edr)
    saved.refresh_from_db()
    assert saved.tool == edr
    assert AuditEvent.objects.get().changes == {"tool_id": [antivirus.pk, edr.pk]}


def test_read_only_roles_cannot_update(agency, leadership, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    with pytest.raises(PermissionDenied):
        _update(deployment, leadership, endpoints_covered=1)
    deployment.refresh_from_db()
    assert deployment.endpoints_covered == 100


# --- endpoint count -------------------------------------------------------------------------


def test_the_ciso_corrects_the_endpoint_count_with_an_audited_reason(agency, ciso):
    agency_endpoints_update(
        agency=agency, actor=ciso, endpoint_count=1500, expected_count=1000, reason="New census"
    )
    agency.refresh_from_db()
    assert agency.endpoint_count == 1500
    event = AuditEvent.objects.get(object_type="agency")
    assert event.changes == {"endpoint_count": [1000, 1500]}
    assert event.comment == "New census"
    assert event.actor == ciso


def test_endpoint_count_cannot_fall_below_a_deployment(agency, ciso, edr):
    ToolDeploymentFactory(agency=agency, tool=edr, endpoints_covered=800)
    with pytest.raises(DomainError, match=r"AI-enabled EDR \(800\)"):
        agency_endpoints_update(agency=agency, actor=ciso, endpoint_count=700)
    agency.refresh_from_db()
    assert agency.endpoint_count == 1000


def test_endpoint_count_changed_since_read_is_refused(agency, ciso):
    agency_endpoints_update(agency=agency, actor=ciso, endpoint_count=1200, expected_count=1000)
    with pytest.raises(DomainError, match="changed the endpoint count to 1,200"):
        agency_endpoints_update(agency=agency, actor=ciso, endpoint_count=900, expected_count=1000)
    agency.refresh_from_db()
    assert agency.endpoint_count == 1200


def test_leadership_cannot_change_the_endpoint_count(agency, leadership):
    with pytest.raises(PermissionDenied):
        agency_endpoints_update(agency=agency, actor=leadership, endpoint_count=5)
