"""The readiness engine on the real database: derived tasks, stored figures, and hand-computed
cases of the clock issue's rules (see tests/world.py for the small directive)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.clearinghouse.models import Remediation
from apps.deployments.models import ToolDeployment
from apps.readiness.models import AgencyReadiness, ReadinessRun, ReadinessSnapshot
from apps.readiness.services import agency_figures_refresh, readiness_recompute
from apps.tracking.models import AgencyTask
from tests.accounts.factories import OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.clearinghouse.factories import RemediationFactory
from tests.deployments.factories import ToolDeploymentFactory
from tests.tracking.factories import AgencyTaskFactory
from tests.world import et

pytestmark = pytest.mark.django_db

DAY4 = et(2026, 11, 19)  # 4 days after issue: T1's window (8 days) is half gone


def assign(world, agency=None, **statuses):
    agency = agency or world.agency
    rows = {}
    for name in ("t1", "t2", "t3", "t4"):
        rows[name] = AgencyTaskFactory(
            agency=agency, task=getattr(world, name), **statuses.get(name, {})
        )
    return rows


def operational(world, endpoints, since, agency=None, tool=None):
    return ToolDeploymentFactory(
        agency=agency or world.agency, tool=tool or world.edr, endpoints_covered=endpoints,
        stage=ToolDeployment.Stage.OPERATIONAL, go_live_date=since.date(), operational_since=since,
    )  # fmt: skip


def remediate(world, agency=None, *statuses):
    agency = agency or world.agency
    for vuln, status in zip(world.vulns, statuses, strict=False):
        if status:
            resolved = date(2026, 11, 16) if status in ("remediated", "mitigated") else None
            RemediationFactory(
                agency=agency, vulnerability=vuln, status=status, resolved_on=resolved
            )


def test_hand_computed_figures_with_derived_tasks(world):
    rows = assign(world, t1={"status": "in_progress", "percent": 50})
    operational(world, 300, et(2026, 11, 16, 9))  # 300 of the 500 endpoints needed
    remediate(world, None, "remediated", "not_affected")  # third entry: not assessed

    result = readiness_recompute(directive=world.directive, now=DAY4)

    # T1 planned 4 of 8 days = 0.5; T2..T4 start at M1's deadline: planned 0.
    # Credits: T1 0.5, T2 0, T3 300/500 = 0.6, T4 1 closed of 2 in scope = 0.5.
    stored = AgencyReadiness.objects.get(agency=world.agency, directive=world.directive)
    assert stored.ev == pytest.approx((3 * 0.5 + 0 + 1 * 0.6 + 4 * 0.5) / 10)  # 0.41
    assert stored.pv == pytest.approx(3 * 0.5 / 10, abs=1e-9)  # 0.15
    assert stored.spi == pytest.approx(0.41 / 0.15, rel=1e-6)
    assert stored.rating == "green"
    assert stored.day_number == 4
    assert stored.kev_overdue == 1  # the unassessed entry, due Oct 3
    assert stored.ai_coverage == pytest.approx(0.3)
    assert stored.milestone_states == {"M1": "pending", "M2": "pending"}
    assert result.agencies[world.agency.pk].ev == pytest.approx(stored.ev)

    rows["t3"].refresh_from_db()
    rows["t4"].refresh_from_db()
    assert (rows["t3"].status, rows["t3"].percent, rows["t3"].version) == ("in_progress", 60, 2)
    assert (rows["t4"].status, rows["t4"].percent) == ("in_progress", 50)
    events = AuditEvent.objects.filter(action="derive", agency=world.agency)
    assert {e.object_id for e in events} == {str(rows["t3"].pk), str(rows["t4"].pk)}
    assert events.get(object_id=str(rows["t3"].pk)).changes["percent"] == [0, 60]


def test_an_agency_that_assessed_nothing_is_at_zero_percent(world):
    rows = assign(world)
    readiness_recompute(directive=world.directive, now=DAY4)
    rows["t4"].refresh_from_db()
    assert (rows["t4"].status, rows["t4"].percent) == ("not_started", 0)
    stored = AgencyReadiness.objects.get(agency=world.agency)
    assert stored.kev_overdue == 3


def test_kev_all_closed_or_not_affected_is_done_at_the_last_change(world):
    rows = assign(world)
    remediate(world, None, "remediated", "mitigated", "not_affected")
    readiness_recompute(directive=world.directive, now=DAY4)
    rows["t4"].refresh_from_db()
    last = Remediation.objects.filter(agency=world.agency).latest("updated_at").updated_at
    assert (rows["t4"].status, rows["t4"].percent, rows["t4"].completed_at) == (
        "completed", 100, last
    )  # fmt: skip
    # A later recompute keeps the completion time; nothing is derived again.
    assert readiness_recompute(directive=world.directive, now=DAY4).derived_changes == 0


def test_coverage_reaches_100_percent_at_the_deployment_that_crossed_the_target(world):
    rows = assign(world)
    operational(world, 200, et(2026, 11, 16, 9))
    crossing = operational(world, 350, et(2026, 11, 17, 14))  # 550 >= 500
    ToolDeploymentFactory(agency=world.agency, tool=world.edr, endpoints_covered=900)  # planned
    readiness_recompute(directive=world.directive, now=DAY4)
    rows["t3"].refresh_from_db()
    assert rows["t3"].status == "completed"
    assert rows["t3"].percent == 100
    assert rows["t3"].completed_at == crossing.operational_since
    assert AgencyReadiness.objects.get().ai_coverage == pytest.approx(0.55)


def test_coverage_at_zero_counts_only_operational_ai_enabled_tools(world):
    from tests.deployments.factories import DefenseToolFactory

    rows = assign(world)
    conventional = DefenseToolFactory(ai_enabled=False)
    operational(world, 900, et(2026, 11, 16), tool=conventional)
    ToolDeploymentFactory(agency=world.agency, tool=world.edr, endpoints_covered=900,
                          stage=ToolDeployment.Stage.PILOTING)  # fmt: skip
    readiness_recompute(directive=world.directive, now=DAY4)
    rows["t3"].refresh_from_db()
    assert (rows["t3"].status, rows["t3"].percent) == ("not_started", 0)


def test_an_overdue_task_makes_the_agency_red_and_an_extension_lifts_it(world):
    rows = assign(world, t1={"status": "in_progress", "percent": 60})
    after_m1 = et(2026, 11, 23, 9)  # M1 was due Nov 22, 23:59:59 ET
    readiness_recompute(directive=world.directive, now=after_m1)
    stored = AgencyReadiness.objects.get()
    assert stored.rating == "red"
    assert stored.tasks_overdue == 1
    assert stored.milestone_states["M1"] == "overdue"

    AgencyTask.objects.filter(pk=rows["t1"].pk).update(extended_due=date(2026, 11, 30))
    readiness_recompute(directive=world.directive, now=after_m1)
    stored.refresh_from_db()
    assert stored.tasks_overdue == 0
    assert stored.rating != "red"


def test_the_day_before_and_after_a_deadline(world):
    assign(world, t1={"status": "in_progress", "percent": 95})
    readiness_recompute(directive=world.directive, now=et(2026, 11, 22, 23, 59, 59))
    assert AgencyReadiness.objects.get().tasks_overdue == 0
    readiness_recompute(directive=world.directive, now=et(2026, 11, 23, 0, 0, 0))
    assert AgencyReadiness.objects.get().tasks_overdue == 1


def test_accepted_not_applicable_drops_out_and_a_pending_claim_does_not(world):
    reviewer = OversightFactory()
    na = {"status": "not_applicable", "percent": 0, "na_justification": "No such systems."}
    rows = assign(world, t1=na)
    readiness_recompute(directive=world.directive, now=DAY4)
    pending = AgencyReadiness.objects.get()
    assert pending.weight_total == 10  # a claim not yet accepted still counts
    AgencyTask.objects.filter(pk=rows["t1"].pk).update(
        na_accepted_at=timezone.now(), na_accepted_by=reviewer
    )
    readiness_recompute(directive=world.directive, now=DAY4)
    accepted = AgencyReadiness.objects.get()
    assert accepted.weight_total == 7
    assert accepted.tasks_not_applicable == 1
    assert accepted.pv == pytest.approx(0.0)  # T1 carried all the planned value


def test_blocked_keeps_its_percent_and_puts_the_agency_at_risk(world):
    assign(world, t1={"status": "blocked", "percent": 50, "blocked_reason": "Vendor delay."})
    readiness_recompute(directive=world.directive, now=DAY4)
    stored = AgencyReadiness.objects.get()
    assert stored.ev == pytest.approx(1.5 / 10)
    assert stored.tasks_at_risk == 1
    assert stored.rating == "amber"


def test_done_early_and_done_late(world):
    early = {"status": "completed", "percent": 100, "completed_at": et(2026, 11, 18)}
    rows = assign(world, t1=early)
    readiness_recompute(directive=world.directive, now=et(2026, 11, 25))
    assert AgencyReadiness.objects.get().milestone_states["M1"] == "met"
    AgencyTask.objects.filter(pk=rows["t1"].pk).update(completed_at=et(2026, 11, 24))
    readiness_recompute(directive=world.directive, now=et(2026, 11, 25))
    stored = AgencyReadiness.objects.get()
    assert stored.tasks_late == 1
    assert stored.milestone_states["M1"] == "met_late"


def test_all_done_forecasts_the_last_completion(world):
    finished = et(2026, 11, 20, 15)
    done = {"status": "completed", "percent": 100, "completed_at": finished}
    assign(world, t1=done, t2=done)
    operational(world, 600, et(2026, 11, 16))
    remediate(world, None, "remediated", "remediated", "remediated")
    readiness_recompute(directive=world.directive, now=et(2026, 11, 21))
    stored = AgencyReadiness.objects.get()
    assert stored.ev == pytest.approx(1.0)
    # The KEV task completed when its last record changed (now-ish), later than the others.
    last_kev = Remediation.objects.latest("updated_at").updated_at
    assert stored.forecast_at == max(finished, last_kev)


def test_a_derived_write_skips_a_row_saved_meanwhile(world):
    from apps.readiness.inputs import DerivedChange, task_row
    from apps.readiness.services import _store_derived

    rows = assign(world)
    stale = task_row(rows["t3"])
    AgencyTask.objects.filter(pk=rows["t3"].pk).update(
        status="blocked", blocked_reason="Procurement hold.", version=2
    )
    written = _store_derived([DerivedChange(stale, "in_progress", 40, None)], timezone.now())
    rows["t3"].refresh_from_db()
    assert written == 0
    assert (rows["t3"].status, rows["t3"].percent) == ("blocked", 0)


def test_one_agencys_refresh_leaves_the_others_alone(world):
    other = AgencyFactory()
    assign(world)
    assign(world, agency=other)
    readiness_recompute(directive=world.directive, now=DAY4)
    before = AgencyReadiness.objects.get(agency=other).computed_at
    refreshed = agency_figures_refresh(agency_id=world.agency.pk, now=DAY4 + timedelta(hours=1))
    assert refreshed.computed_at == DAY4 + timedelta(hours=1)
    assert AgencyReadiness.objects.get(agency=other).computed_at == before


def test_a_daily_snapshot_keeps_one_point_a_day(world):
    assign(world, t1={"status": "in_progress", "percent": 50})
    first = readiness_recompute(directive=world.directive, now=DAY4, keep_as="daily")
    again = readiness_recompute(directive=world.directive, now=DAY4 + timedelta(hours=2),
                                keep_as="daily")  # fmt: skip
    runs = ReadinessRun.objects.filter(kind="daily")
    assert list(runs.values_list("pk", flat=True)) == [again.run.pk]
    assert first.run.pk != again.run.pk
    snapshot = ReadinessSnapshot.objects.get(run=again.run)
    assert snapshot.ev == pytest.approx(AgencyReadiness.objects.get().ev)
    assert again.run.ev == pytest.approx(snapshot.ev)
    assert again.run.agencies == 1


def test_turning_red_is_dated_once(world):
    rows = assign(world, t1={"status": "in_progress", "percent": 60})
    overdue_at = et(2026, 11, 23, 9)
    readiness_recompute(directive=world.directive, now=overdue_at)
    assert AgencyReadiness.objects.get().red_since == overdue_at
    readiness_recompute(directive=world.directive, now=overdue_at + timedelta(hours=6))
    assert AgencyReadiness.objects.get().red_since == overdue_at
    AgencyTask.objects.filter(pk=rows["t1"].pk).update(
        status="completed", percent=100, completed_at=overdue_at
    )
    readiness_recompute(directive=world.directive, now=overdue_at + timedelta(hours=7))
    assert AgencyReadiness.objects.get().red_since is None


def _fleet(world, n):
    for _ in range(n):
        agency = AgencyFactory()
        assign(world, agency=agency, t1={"status": "in_progress", "percent": 30})
        operational(world, 100, et(2026, 11, 16), agency=agency)
        remediate(world, agency, "remediated", "affected")


def test_the_fleet_computation_runs_the_same_queries_for_10_and_100_agencies(world):
    _fleet(world, 10)
    readiness_recompute(directive=world.directive, now=DAY4)  # stores derived progress once
    with CaptureQueriesContext(connection) as ten:
        readiness_recompute(directive=world.directive, now=DAY4)
    _fleet(world, 90)
    readiness_recompute(directive=world.directive, now=DAY4)
    with CaptureQueriesContext(connection) as hundred:
        result = readiness_recompute(directive=world.directive, now=DAY4)
    assert result.fleet.agencies == 100
    assert len(ten) == len(hundred)
    assert len(hundred) <= 12


def test_the_first_fleet_computation_writes_derived_progress_in_constant_queries(world):
    _fleet(world, 10)
    with CaptureQueriesContext(connection) as ten:
        readiness_recompute(directive=world.directive, now=DAY4)
    AgencyReadiness.objects.all().delete()
    _fleet(world, 40)
    AgencyTask.objects.filter(task__in=[world.t3, world.t4]).update(percent=0, status="not_started")
    with CaptureQueriesContext(connection) as fifty:
        readiness_recompute(directive=world.directive, now=DAY4)
    assert len(ten) == len(fifty)


def test_the_issue_time_is_utc_and_deadlines_are_eastern(world):
    assert world.directive.issued_at == datetime(2026, 11, 15, 5, tzinfo=UTC)
    assign(world)
    readiness_recompute(directive=world.directive, now=et(2026, 11, 15, 23, 59))
    assert AgencyReadiness.objects.get().day_number == 0


def test_refreshing_an_agency_without_tasks_is_a_no_op(world):
    assert agency_figures_refresh(agency_id=AgencyFactory().pk, now=DAY4) is None
    assert not AgencyReadiness.objects.exists()


def test_a_frozen_run_copies_the_current_figures_without_recomputing(world):
    assign(world, t1={"status": "in_progress", "percent": 50})
    readiness_recompute(directive=world.directive, now=DAY4)
    current = AgencyReadiness.objects.get()
    from apps.readiness.services import readiness_run_freeze

    with CaptureQueriesContext(connection) as queries:
        run = readiness_run_freeze(directive=world.directive, now=DAY4 + timedelta(hours=3))
    snapshot = run.snapshots.get()
    assert (snapshot.ev, snapshot.pv, snapshot.rating) == (current.ev, current.pv, current.rating)
    assert snapshot.computed_at == current.computed_at  # when the figures were computed
    assert run.kind == "report"
    assert run.ev == pytest.approx(current.ev)
    assert len(queries) <= 6
