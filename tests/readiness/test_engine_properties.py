"""Property: the set-based fleet computation gives every agency exactly what the pure rules
give when fed that agency's records one by one (an independent, naive path through the ORM)."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.clearinghouse.models import Remediation, Vulnerability
from apps.deployments.models import ToolDeployment
from apps.readiness.clock import effective_due, local_date, milestone_deadline
from apps.readiness.scoring import (
    TaskInput,
    agency_figures,
    kev_progress,
    tool_coverage_progress,
)
from apps.readiness.services import readiness_recompute
from apps.tracking.models import AgencyTask
from tests.accounts.factories import OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import RemediationFactory
from tests.deployments.factories import ToolDeploymentFactory
from tests.tracking.factories import AgencyTaskFactory
from tests.world import et

pytestmark = pytest.mark.django_db

STATUSES = ["not_started", "in_progress", "blocked", "completed", "verified", "not_applicable"]

task_spec = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "percent": st.integers(0, 100),
        "extension": st.none() | st.integers(0, 20),
        "na_accepted": st.booleans(),
        "done_day": st.integers(1, 20),
    }
)
agency_spec = st.fixed_dictionaries(
    {
        "endpoints": st.integers(0, 2000),
        "tasks": st.tuples(task_spec, task_spec, task_spec, task_spec),
        "deployments": st.lists(
            st.tuples(st.integers(0, 900), st.integers(0, 12), st.booleans()), max_size=3
        ),
        "remediation": st.lists(
            st.sampled_from([None, "not_affected", "affected", "mitigated", "remediated"]),
            min_size=3,
            max_size=3,
        ),
    }
)


class Rollback(Exception):
    pass


def _make(world, spec, reviewer):
    agency = AgencyFactory(endpoint_count=spec["endpoints"])
    for task, t in zip((world.t1, world.t2, world.t3, world.t4), spec["tasks"], strict=True):
        values = {"status": t["status"], "percent": t["percent"]}
        if t["status"] in ("completed", "verified"):
            values.update(
                percent=100, completed_at=et(2026, 11, 15) + timedelta(days=t["done_day"])
            )
        if t["status"] == "verified":
            values.update(verified_at=et(2026, 11, 28), verified_by=reviewer)
        if t["status"] == "blocked":
            values["blocked_reason"] = "Waiting."
        if t["status"] == "not_applicable":
            values["na_justification"] = "Not ours."
            if t["na_accepted"]:
                values.update(na_accepted_at=et(2026, 11, 20), na_accepted_by=reviewer)
        if t["extension"] is not None:
            values["extended_due"] = date(2026, 11, 22) + timedelta(days=t["extension"])
        AgencyTaskFactory(agency=agency, task=task, **values)
    for endpoints, day, live in spec["deployments"]:
        ToolDeploymentFactory(
            agency=agency, tool=world.edr, endpoints_covered=endpoints,
            stage="operational" if live else "deploying",
            go_live_date=date(2026, 11, 10) if live else None,
            operational_since=et(2026, 11, 10 + day) if live else None,
        )  # fmt: skip
    for vuln, status in zip(world.vulns, spec["remediation"], strict=True):
        if status:
            resolved = date(2026, 11, 16) if status in ("mitigated", "remediated") else None
            RemediationFactory(
                agency=agency, vulnerability=vuln, status=status, resolved_on=resolved
            )
    return agency


def _naive_figures(world, agency, now):
    """Each agency on its own, straight from its ORM rows and the pure functions."""
    tz = ZoneInfo(world.directive.time_zone)
    issued = world.directive.issued_at
    dues = {m.pk: milestone_deadline(issued, m.day_offset, tz) for m in (world.m1, world.m2)}
    starts = {world.m1.pk: issued, world.m2.pk: dues[world.m1.pk]}
    inputs = []
    for row in AgencyTask.objects.filter(agency=agency).select_related("task"):
        task = row.task
        due = effective_due(
            milestone_due=dues[task.milestone_id], extension_date=row.extended_due, tz=tz
        )
        status, percent, done_at = row.status, row.percent, row.completed_at
        if task.is_derived and status != "not_applicable":
            if task.measure == "tool_coverage":
                live = ToolDeployment.objects.filter(
                    agency=agency, stage="operational", tool__ai_enabled=True,
                    tool__category=task.coverage_category,
                )  # fmt: skip
                progress = tool_coverage_progress(
                    endpoints=agency.endpoint_count,
                    target=task.coverage_target,
                    deployments=[(d.operational_since, d.endpoints_covered) for d in live],
                )
            else:
                cutoff = local_date(due, tz)
                in_scope = Remediation.objects.filter(
                    agency=agency, vulnerability__due_date__lte=cutoff
                )
                progress = kev_progress(
                    due_in_scope=Vulnerability.objects.filter(due_date__lte=cutoff).count(),
                    not_affected=in_scope.filter(status="not_affected").count(),
                    remediated=in_scope.filter(status__in=["mitigated", "remediated"]).count(),
                    last_change=None,
                )
            if progress.done:
                status, percent = ("verified" if status == "verified" else "completed"), 100
                done_at = done_at if row.status in ("completed", "verified") else row.completed_at
            elif status != "blocked":
                status = "in_progress" if progress.percent else "not_started"
                percent, done_at = progress.percent, None
            else:
                percent, done_at = progress.percent, None
        inputs.append(
            TaskInput(
                key=row.pk, weight=task.weight, status=status, percent=percent,
                start=starts[task.milestone_id], due=due, completed_at=done_at,
                na_accepted=row.na_accepted_at is not None,
            )
        )  # fmt: skip
    return agency_figures(inputs, issued_at=issued, now=now, agency=agency.pk)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(agencies=st.lists(agency_spec, min_size=1, max_size=4), day=st.integers(0, 24))
def test_fleet_computation_equals_the_pure_per_agency_computation(world, agencies, day):
    now = et(2026, 11, 15, 13) + timedelta(days=day)
    try:
        with transaction.atomic():
            reviewer = OversightFactory()
            made = [_make(world, spec, reviewer) for spec in agencies]
            result = readiness_recompute(directive=world.directive, now=now)
            for agency in made:
                fleet = result.agencies[agency.pk]
                naive = _naive_figures(world, agency, now)
                assert fleet.ev == pytest.approx(naive.ev, abs=1e-12)
                assert fleet.pv == pytest.approx(naive.pv, abs=1e-12)
                assert (fleet.spi is None) == (naive.spi is None)
                if naive.spi is not None:
                    assert fleet.spi == pytest.approx(naive.spi, rel=1e-9)
                assert fleet.rating == naive.rating
                assert fleet.states == naive.states
            raise Rollback
    except Rollback:
        pass
