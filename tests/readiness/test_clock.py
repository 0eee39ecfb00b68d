"""Behaviour of the directive clock (apps.readiness.clock) and readiness figures
(apps.readiness.scoring). Pure Python: runs without Django (``-p no:django``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.readiness.clock import (
    deadline_of,
    directive_clock,
    directive_deadline,
    effective_due,
    local_date,
    milestone_deadline,
    milestone_windows,
    planned_fraction,
    zone_abbreviation,
)
from apps.readiness.scoring import (
    AgencyFigures,
    ClockSettings,
    ClockState,
    Rating,
    TaskInput,
    agency_figures,
    clock_state,
    credit,
    fleet_figures,
    kev_progress,
    rating_of,
    rollup,
    tool_coverage_progress,
)

NY = ZoneInfo("America/New_York")
T0 = datetime(2026, 6, 1, tzinfo=UTC)  # issue time of the scoring examples (judged in UTC)


def utc(*fields: int) -> datetime:
    """An aware UTC datetime from its fields."""
    return datetime(*fields, tzinfo=UTC)


def at(days: float) -> datetime:
    """T0 plus a number of days."""
    return T0 + timedelta(days=days)


def task(
    key: object = "t",
    *,
    weight: int = 1,
    status: str = "in_progress",
    percent: int = 0,
    start: float = 0,
    due: float = 10,
    completed_at: float | None = None,
    na_accepted: bool = False,
) -> TaskInput:
    """A TaskInput with its times given in days after T0."""
    return TaskInput(
        key=key,
        weight=weight,
        status=status,
        percent=percent,
        start=at(start),
        due=at(due),
        completed_at=None if completed_at is None else at(completed_at),
        na_accepted=na_accepted,
    )


def figures(tasks: list[TaskInput], now: float, **kwargs: object) -> AgencyFigures:
    """agency_figures for tasks issued at T0, evaluated ``now`` days after T0."""
    return agency_figures(tasks, issued_at=T0, now=at(now), **kwargs)


# The worked example: at day 15, A (3) is complete, B (2) half done, C (5) not started.
WORKED = [
    task("A", weight=3, status="completed", percent=100, due=10, completed_at=8),
    task("B", weight=2, percent=50, due=20),
    task("C", weight=5, status="not_started", start=10, due=30),
]


# --- deadlines across DST ---------------------------------------------------------------


def test_deadline_after_dst_ends_is_0459_utc_on_the_next_day() -> None:
    issued = datetime(2026, 10, 20, 10, 0, tzinfo=NY)  # EDT
    deadline = directive_deadline(issued, 30, NY)
    assert deadline == utc(2026, 11, 20, 4, 59, 59, 999999)
    assert deadline.astimezone(NY).replace(tzinfo=None) == datetime(
        2026, 11, 19, 23, 59, 59, 999999
    )
    assert deadline.astimezone(NY).tzname() == "EST"


def test_milestone_due_before_dst_ends_is_0359_utc() -> None:
    issued = datetime(2026, 10, 20, 10, 0, tzinfo=NY)
    assert milestone_deadline(issued, 10, NY) == datetime(
        2026, 10, 31, 3, 59, 59, 999999, tzinfo=UTC
    )
    assert deadline_of(date(2026, 11, 1), NY) == datetime(
        2026, 11, 2, 4, 59, 59, 999999, tzinfo=UTC
    )


def test_issue_date_is_the_local_date_not_the_utc_date() -> None:
    issued = datetime(2026, 10, 21, 2, 30, tzinfo=UTC)  # 22:30 EDT on Oct 20
    assert local_date(issued, NY) == date(2026, 10, 20)
    assert milestone_deadline(issued, 0, NY) == datetime(
        2026, 10, 21, 3, 59, 59, 999999, tzinfo=UTC
    )


def test_deadline_of_rejects_datetimes_and_naive_values() -> None:
    with pytest.raises(TypeError):
        deadline_of(datetime(2026, 1, 1, tzinfo=UTC), NY)
    with pytest.raises(ValueError, match="timezone-aware"):
        milestone_deadline(datetime(2026, 1, 1), 3, NY)


def test_milestone_windows_start_at_previous_due_and_parallel_milestones_share_a_start() -> None:
    d0, d7, d30 = at(0.5), at(7), at(30)
    assert milestone_windows(T0, [d0, d7, d7, d30]) == [(T0, d0), (d0, d7), (d0, d7), (d7, d30)]
    assert milestone_windows(T0, []) == []


def test_milestone_windows_reject_unsorted_dues() -> None:
    with pytest.raises(ValueError, match="sorted"):
        milestone_windows(T0, [at(7), at(3)])


def test_effective_due_is_the_milestone_due_without_an_extension() -> None:
    assert effective_due(milestone_due=at(10), extension_date=None, tz=NY) == at(10)


def test_effective_due_with_extension_is_end_of_that_local_day() -> None:
    due = effective_due(milestone_due=at(10), extension_date=date(2026, 12, 1), tz=NY)
    assert due == utc(2026, 12, 2, 4, 59, 59, 999999)


# --- the directive clock ----------------------------------------------------------------

ISSUED = datetime(2026, 10, 20, 10, 0, tzinfo=NY)


def test_day_zero_on_issue_day_even_at_2359_local() -> None:
    clock = directive_clock(issued_at=ISSUED, now=datetime(2026, 10, 20, 23, 59, tzinfo=NY), tz=NY)
    assert (clock.day_number, clock.days_remaining, clock.is_past_deadline) == (0, 30, False)
    assert clock.label.startswith("Day 0 of 30 \u00b7 30 days left")


def test_day_thirty_on_deadline_day_reads_due_today() -> None:
    clock = directive_clock(issued_at=ISSUED, now=datetime(2026, 11, 19, 23, 0, tzinfo=NY), tz=NY)
    assert (clock.day_number, clock.days_remaining) == (30, 0)
    assert clock.label == "Day 30 of 30 \u00b7 due today \u00b7 deadline Nov 19, 11:59 PM ET"


def test_label_mid_window_names_day_days_left_and_deadline() -> None:
    issued = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
    clock = directive_clock(issued_at=issued, now=datetime(2026, 12, 9, 12, 0, tzinfo=NY), tz=NY)
    assert clock.label == "Day 12 of 30 \u00b7 18 days left \u00b7 deadline Dec 27, 11:59 PM ET"
    assert clock.deadline == utc(2026, 12, 28, 4, 59, 59, 999999)


def test_label_says_one_day_left_in_the_singular() -> None:
    issued = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
    clock = directive_clock(issued_at=issued, now=datetime(2026, 12, 26, 8, 0, tzinfo=NY), tz=NY)
    assert "\u00b7 1 day left \u00b7" in clock.label


def test_exactly_at_the_deadline_is_not_past() -> None:
    deadline = directive_deadline(ISSUED, 30, NY)
    clock = directive_clock(issued_at=ISSUED, now=deadline, tz=NY)
    assert not clock.is_past_deadline
    assert clock.days_past_deadline == 0


def test_past_deadline_label_counts_local_days_since_the_deadline_date() -> None:
    just_after = directive_deadline(ISSUED, 30, NY) + timedelta(microseconds=1)
    clock = directive_clock(issued_at=ISSUED, now=just_after, tz=NY)
    assert (clock.is_past_deadline, clock.days_past_deadline, clock.label) == (
        True,
        1,
        "Past deadline, 1 day",
    )
    later = directive_clock(issued_at=ISSUED, now=datetime(2026, 11, 22, 12, tzinfo=NY), tz=NY)
    assert (later.label, later.days_remaining, later.day_number) == ("Past deadline, 3 days", 0, 33)


def test_label_before_issue_says_not_yet_issued() -> None:
    clock = directive_clock(issued_at=ISSUED, now=ISSUED - timedelta(days=2), tz=NY)
    assert not clock.is_issued
    assert clock.day_number == -2
    assert clock.label == "Not yet issued \u00b7 deadline Nov 19, 11:59 PM ET"


def test_summer_deadline_also_prints_et() -> None:
    issued = datetime(2026, 6, 1, 9, 0, tzinfo=NY)
    clock = directive_clock(issued_at=issued, now=issued, tz=NY)
    assert clock.label.endswith("deadline Jul 1, 11:59 PM ET")


@pytest.mark.parametrize(
    ("zone", "month", "expected"),
    [
        ("America/Chicago", 1, "CT"),
        ("Europe/London", 7, "BST"),
        ("Europe/London", 1, "GMT"),
        ("UTC", 1, "UTC"),
        ("Asia/Shanghai", 1, "CST"),  # China Standard Time is not Central Time
    ],
)
def test_zone_abbreviation_is_generic_only_for_us_zones(
    zone: str, month: int, expected: str
) -> None:
    assert zone_abbreviation(datetime(2026, month, 15, 12, tzinfo=UTC), ZoneInfo(zone)) == expected


# --- planned fraction and credit --------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [(-1, 0.0), (0, 0.0), (2.5, 0.25), (5, 0.5), (10, 1.0), (11, 1.0)],
)
def test_planned_fraction_is_linear_and_clamped(now: float, expected: float) -> None:
    assert planned_fraction(at(now), at(0), at(10)) == expected


def test_planned_fraction_of_an_empty_window_steps_at_the_due() -> None:
    assert planned_fraction(at(4.999), at(5), at(5)) == 0.0
    assert planned_fraction(at(5), at(5), at(5)) == 1.0
    assert planned_fraction(at(6), at(8), at(5)) == 1.0


@pytest.mark.parametrize(
    ("status", "percent", "expected"),
    [
        ("completed", 100, 1.0),
        ("verified", 40, 1.0),
        ("in_progress", 30, 0.3),
        ("blocked", 40, 0.4),
        ("not_started", 0, 0.0),
        ("not_applicable", 20, 0.2),
    ],
)
def test_credit_is_one_when_finished_else_percent(
    status: str, percent: int, expected: float
) -> None:
    assert credit(status, percent) == expected


def test_task_input_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="status"):
        task(status="done")
    with pytest.raises(ValueError, match="percent"):
        task(percent=101)
    with pytest.raises(ValueError, match="timezone-aware"):
        TaskInput("x", 1, "in_progress", 0, datetime(2026, 1, 1), at(1), None)


# --- clock states -----------------------------------------------------------------------


def test_completed_exactly_at_due_is_done() -> None:
    done = task(status="completed", percent=100, completed_at=10)
    assert clock_state(done, at(20)) == ClockState.DONE


def test_completed_a_microsecond_after_due_is_late() -> None:
    late = TaskInput("t", 1, "verified", 100, at(0), at(10), at(10) + timedelta(microseconds=1))
    assert clock_state(late, at(11)) == ClockState.LATE


def test_finished_without_completion_time_counts_as_done() -> None:
    assert clock_state(task(status="verified", percent=100), at(30)) == ClockState.DONE


def test_open_task_is_overdue_only_strictly_after_due() -> None:
    open_task = task(percent=95)
    assert clock_state(open_task, at(10) + timedelta(microseconds=1)) == ClockState.OVERDUE
    assert clock_state(open_task, at(10)) == ClockState.ON_TRACK  # at due, 95 % >= 90


def test_blocked_is_at_risk_even_early() -> None:
    assert clock_state(task(status="blocked", percent=80), at(1)) == ClockState.AT_RISK


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(25, ClockState.ON_TRACK), (24, ClockState.AT_RISK)],  # lag 0.25 vs 0.26 at p = 0.5
)
def test_lag_of_exactly_a_quarter_is_not_at_risk(percent: int, expected: str) -> None:
    assert clock_state(task(percent=percent), at(5)) == expected


def test_lag_edge_is_robust_to_float_rounding() -> None:
    # p = 0.55 and 0.55 - 0.30 is 0.25000000000000006 in floats: still exactly a quarter.
    assert clock_state(task(percent=30), at(5.5)) == ClockState.ON_TRACK


@pytest.mark.parametrize(
    ("before_due", "percent", "expected"),
    [
        (timedelta(hours=72), 89, ClockState.AT_RISK),  # exactly 72 h counts as due soon
        (timedelta(hours=72), 90, ClockState.ON_TRACK),  # 90 % is enough
        (timedelta(hours=72, microseconds=1), 89, ClockState.ON_TRACK),
    ],
)
def test_due_within_72_hours_below_90_percent_is_at_risk(
    before_due: timedelta, percent: int, expected: str
) -> None:
    assert clock_state(task(percent=percent), at(10) - before_due) == expected


def test_accepted_na_is_not_applicable_but_an_unaccepted_claim_is_still_open() -> None:
    claim = task(status="not_applicable", percent=0)
    assert clock_state(claim, at(11)) == ClockState.OVERDUE
    accepted = task(status="not_applicable", percent=0, na_accepted=True)
    assert clock_state(accepted, at(11)) == ClockState.NOT_APPLICABLE


def test_settings_change_the_thresholds() -> None:
    relaxed = ClockSettings(at_risk_lag=0.5, due_soon_hours=24, due_soon_percent=50)
    assert clock_state(task(percent=24), at(5), relaxed) == ClockState.ON_TRACK
    assert clock_state(task(percent=89), at(7), relaxed) == ClockState.ON_TRACK
    assert clock_state(task(percent=49), at(9.5), relaxed) == ClockState.AT_RISK


# --- ratings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "spi", "expected"),
    [
        ([ClockState.OVERDUE], 1.2, Rating.RED),
        ([ClockState.ON_TRACK], 0.74, Rating.RED),
        ([ClockState.ON_TRACK], 0.75, Rating.AMBER),
        ([ClockState.AT_RISK, ClockState.DONE], 1.0, Rating.AMBER),
        ([ClockState.ON_TRACK], 0.94, Rating.AMBER),
        ([ClockState.ON_TRACK], 0.95, Rating.GREEN),
        ([ClockState.LATE, ClockState.DONE], None, Rating.GREEN),
        ([ClockState.AT_RISK], None, Rating.AMBER),
        ([ClockState.OVERDUE], None, Rating.RED),
        ([], None, Rating.GREEN),
    ],
)
def test_rating_rules(states: list[str], spi: float | None, expected: str) -> None:
    assert rating_of(states, spi) == expected


# --- EV, PV, SPI and the forecast -------------------------------------------------------


def test_ev_pv_spi_on_the_worked_example() -> None:
    result = figures(WORKED, now=15)
    # EV = (3*1 + 2*0.5 + 5*0) / 10; PV = (3*1 + 2*0.75 + 5*0.25) / 10
    assert (result.earned_weight, result.planned_weight, result.weight_total) == (4.0, 5.75, 10)
    assert result.ev == pytest.approx(0.4)
    assert result.pv == pytest.approx(0.575)
    assert result.spi == pytest.approx(4 / 5.75)
    # B and C lag by exactly 0.25: on track. SPI 0.696 < 0.75: red.
    assert result.states == {"A": "done", "B": "on_track", "C": "on_track"}
    assert result.counts == {
        "done": 1,
        "late": 0,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 2,
        "not_applicable": 0,
    }
    assert result.rating == Rating.RED


def test_forecast_on_the_worked_example_hits_a_breakpoint() -> None:
    result = figures(WORKED, now=15)
    # PV reaches 0.4 exactly at day 10 (A due, C starts): SPI_t = 10/15, forecast 30 / (2/3).
    assert result.earned_schedule == at(10)
    assert result.spi_t == pytest.approx(2 / 3)
    assert result.plan_end == at(30)
    assert result.forecast == at(45)


def test_forecast_interpolates_inside_a_segment() -> None:
    tasks = [*WORKED[:2], task("C", weight=8, percent=25, start=10, due=30)]
    # EW = 3 + 1 + 2 = 6 of 13. PW = 4 at day 10, then rises 0.1 + 0.4 = 0.5 a day: ES = day 14.
    result = figures(tasks, now=20)
    assert result.ev == pytest.approx(6 / 13)
    assert result.earned_schedule == at(14)
    assert result.spi_t == pytest.approx(0.7)
    assert result.forecast == T0 + timedelta(days=30) / 0.7


def test_forecast_steps_at_an_empty_window() -> None:
    tasks = [task("X", percent=100, start=5, due=5), task("Y", percent=0, start=20, due=20)]
    result = figures(tasks, now=10)
    assert result.earned_schedule == at(5)  # PV jumps from 0 to 0.5 at day 5
    assert result.forecast == at(40)  # SPI_t = 0.5, plan end day 20


def test_forecast_when_everything_is_finished_is_the_last_completion() -> None:
    tasks = [
        task("A", status="completed", percent=100, completed_at=3),
        task("B", status="verified", percent=100, due=20, completed_at=12),
    ]
    assert figures(tasks, now=15).forecast == at(12)


def test_no_forecast_when_nothing_is_earned() -> None:
    result = figures([task(percent=0)], now=5)
    assert (result.ev, result.forecast, result.earned_schedule) == (0.0, None, None)


def test_no_forecast_at_or_before_issue() -> None:
    result = figures([task(percent=50, start=0, due=10)], now=0)
    assert (result.spi_t, result.forecast) == (None, None)


def test_accepted_na_drops_out_of_every_sum_but_an_unaccepted_claim_does_not() -> None:
    accepted = [*WORKED, task("N", weight=10, status="not_applicable", na_accepted=True)]
    result = figures(accepted, now=15)
    assert (result.ev, result.weight_total, result.states["N"]) == (0.4, 10, "not_applicable")
    assert result.forecast == at(45)
    claimed = [*WORKED, task("N", weight=10, status="not_applicable", percent=0)]
    assert figures(claimed, now=15).ev == pytest.approx(4 / 20)


def test_spi_is_none_when_nothing_is_planned_yet() -> None:
    result = figures([task(percent=10, start=5, due=10)], now=2)
    assert (result.pv, result.spi, result.rating) == (0.0, None, Rating.GREEN)


def test_no_applicable_tasks_gives_zero_ev_and_no_spi() -> None:
    result = figures([task(status="not_applicable", na_accepted=True)], now=5)
    assert (result.ev, result.pv, result.spi, result.forecast) == (0.0, 0.0, None, None)
    assert result.rating == Rating.GREEN


def test_duplicate_task_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        figures([task("A"), task("A")], now=1)


# --- derived tasks ----------------------------------------------------------------------


def test_tool_coverage_partial_progress() -> None:
    result = tool_coverage_progress(
        endpoints=1000, target=0.8, deployments=[(at(1), 300), (at(2), 300)]
    )
    assert (result.percent, result.done, result.completed_at) == (75, False, None)


def test_tool_coverage_completes_when_the_running_sum_first_reaches_the_target() -> None:
    deployments = [(at(9), 500), (at(3), 250), (at(1), 300), (at(2), 300)]
    result = tool_coverage_progress(endpoints=1000, target=0.8, deployments=deployments)
    assert (result.percent, result.done, result.completed_at) == (100, True, at(3))


def test_tool_coverage_is_capped_at_the_endpoint_count() -> None:
    deployments = [(at(1), 60), (at(2), 60)]
    result = tool_coverage_progress(endpoints=100, target=1, deployments=deployments)
    assert (result.percent, result.completed_at) == (100, at(2))


def test_tool_coverage_floors_so_99_6_is_not_100() -> None:
    result = tool_coverage_progress(endpoints=1000, target=1.0, deployments=[(at(1), 996)])
    assert (result.percent, result.done) == (99, False)


@pytest.mark.parametrize("target", [0.8, Decimal("0.800")])
def test_tool_coverage_target_is_exact(target: float | Decimal) -> None:
    result = tool_coverage_progress(endpoints=1000, target=target, deployments=[(at(4), 800)])
    assert (result.percent, result.done, result.completed_at) == (100, True, at(4))


def test_tool_coverage_without_endpoints_is_zero_and_not_done() -> None:
    result = tool_coverage_progress(endpoints=0, target=0.8, deployments=[(at(1), 5)])
    assert (result.percent, result.done, result.completed_at) == (0, False, None)


def test_tool_coverage_rejects_targets_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="target"):
        tool_coverage_progress(endpoints=10, target=0, deployments=[])
    with pytest.raises(ValueError, match="target"):
        tool_coverage_progress(endpoints=10, target=1.2, deployments=[])


def test_kev_percent_counts_remediated_over_affected_scope() -> None:
    result = kev_progress(due_in_scope=10, not_affected=2, remediated=4, last_change=at(3))
    assert (result.percent, result.done, result.completed_at) == (50, False, None)


def test_kev_assessing_nothing_is_not_100_percent() -> None:
    result = kev_progress(due_in_scope=10, not_affected=0, remediated=0, last_change=None)
    assert (result.percent, result.done) == (0, False)


def test_kev_with_nothing_in_scope_is_done() -> None:
    nothing_due = kev_progress(due_in_scope=0, not_affected=0, remediated=0, last_change=None)
    all_clear = kev_progress(due_in_scope=4, not_affected=4, remediated=0, last_change=at(2))
    assert (nothing_due.percent, nothing_due.done) == (100, True)
    assert (all_clear.percent, all_clear.done, all_clear.completed_at) == (100, True, at(2))


def test_kev_floors_and_completes_at_the_last_change() -> None:
    partial = kev_progress(due_in_scope=3, not_affected=0, remediated=2, last_change=at(1))
    assert partial.percent == 66
    done = kev_progress(due_in_scope=3, not_affected=0, remediated=3, last_change=date(2026, 6, 5))
    assert (done.percent, done.done) == (100, True)
    assert done.completed_at == utc(2026, 6, 6, 3, 59, 59, 999999)  # end of day


def test_kev_rejects_inconsistent_counts() -> None:
    with pytest.raises(ValueError, match="inconsistent"):
        kev_progress(due_in_scope=3, not_affected=2, remediated=2, last_change=None)


# --- fleet and roll-ups -----------------------------------------------------------------


def _finished(key: str, weight: int) -> TaskInput:
    return task(key, weight=weight, status="completed", percent=100, completed_at=5)


def test_fleet_ev_adds_weights_instead_of_averaging_agency_evs() -> None:
    small = figures([_finished("s", 10)], now=10, agency="small")  # EV 1 over weight 10
    large = figures([task("l", weight=30, percent=0)], now=10, agency="large")  # EV 0 over 30
    fleet = fleet_figures([small, large])
    assert fleet.ev == pytest.approx(10 / 40)  # averaging the agencies would give 0.5
    assert fleet.median_ev == pytest.approx(0.5)
    assert fleet.pv == pytest.approx(1.0)
    assert fleet.spi == pytest.approx(0.25)
    assert fleet.by_rating == {"green": 1, "amber": 0, "red": 1}
    assert (fleet.counts["done"], fleet.counts["overdue"], fleet.agencies) == (1, 0, 2)


def test_fleet_medians_skip_agencies_without_weight_or_spi() -> None:
    empty = figures([task("n", status="not_applicable", na_accepted=True)], now=5)
    early = figures([task("e", percent=30, start=6, due=10)], now=5)  # PV 0: SPI None
    working = figures([task("w", percent=50)], now=5)  # EV 0.5, PV 0.5
    fleet = fleet_figures([empty, early, working])
    assert fleet.median_ev == pytest.approx(0.4)  # of 0.3 and 0.5; the empty agency is left out
    assert fleet.median_spi == pytest.approx(1.0)
    assert fleet.counts["not_applicable"] == 1


def test_fleet_of_nothing_is_empty() -> None:
    fleet = fleet_figures([])
    assert (fleet.agencies, fleet.ev, fleet.spi, fleet.median_ev, fleet.median_spi) == (
        0,
        0.0,
        None,
        None,
        None,
    )


def test_rollup_groups_agencies_by_key() -> None:
    department = {"a": "DOE", "b": "DOE", "c": "DHS"}
    results = [
        figures([_finished("x", 1)], now=10, agency="a"),
        figures([task("x", weight=3, percent=0)], now=10, agency="b"),
        figures([task("x", weight=2, percent=50)], now=10, agency="c"),
    ]
    groups = rollup(results, key=lambda f: department[f.agency])
    assert list(groups) == ["DOE", "DHS"]
    assert (groups["DOE"].agencies, groups["DOE"].ev) == (2, pytest.approx(0.25))
    assert (groups["DHS"].agencies, groups["DHS"].ev) == (1, pytest.approx(0.5))
    assert groups["DOE"].by_rating == {"green": 1, "amber": 0, "red": 1}


# --- properties -------------------------------------------------------------------------

STATUSES = ["not_started", "in_progress", "blocked", "completed", "verified", "not_applicable"]


@st.composite
def task_lists(draw: st.DrawFn) -> list[TaskInput]:
    """Up to 8 tasks with windows inside ~60 days of T0, some empty, some inverted."""
    tasks = []
    for index in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, 40 * 24))
        due = start + draw(st.integers(-24, 30 * 24))
        status = draw(st.sampled_from(STATUSES))
        done_at = draw(st.integers(0, 70 * 24)) if status in ("completed", "verified") else None
        tasks.append(
            TaskInput(
                key=index,
                weight=draw(st.integers(0, 10)),
                status=status,
                percent=draw(st.integers(0, 100)),
                start=T0 + timedelta(hours=start),
                due=T0 + timedelta(hours=due),
                completed_at=None if done_at is None else T0 + timedelta(hours=done_at),
                na_accepted=draw(st.booleans()),
            )
        )
    return tasks


HOURS = st.integers(-24, 80 * 24)


@given(tasks=task_lists(), hours=HOURS)
def test_property_ev_and_pv_stay_within_zero_and_one(tasks: list[TaskInput], hours: int) -> None:
    result = agency_figures(tasks, issued_at=T0, now=T0 + timedelta(hours=hours))
    assert 0.0 <= result.ev <= 1.0 + 1e-12
    assert 0.0 <= result.pv <= 1.0 + 1e-12
    assert (result.spi is None) == (result.planned_weight == 0)
    assert sum(result.counts.values()) == len(tasks)


@given(start=HOURS, length=st.integers(-48, 48 * 24), t1=HOURS, t2=HOURS)
def test_property_planned_fraction_is_monotone(start: int, length: int, t1: int, t2: int) -> None:
    t_early, t_late = sorted((T0 + timedelta(hours=t1), T0 + timedelta(hours=t2)))
    window = (T0 + timedelta(hours=start), T0 + timedelta(hours=start + length))
    assert 0.0 <= planned_fraction(t_early, *window) <= planned_fraction(t_late, *window) <= 1.0


@settings(max_examples=150)
@given(tasks=task_lists(), hours=st.integers(1, 80 * 24))
def test_property_earned_schedule_is_the_earliest_time_pv_reaches_ev(
    tasks: list[TaskInput], hours: int
) -> None:
    now = T0 + timedelta(hours=hours)
    result = agency_figures(tasks, issued_at=T0, now=now)
    es = result.earned_schedule
    if es is None:
        assert result.ev == 0.0
        return
    assert result.plan_end is not None
    assert es <= result.plan_end
    pv_at = agency_figures(tasks, issued_at=T0, now=es).pv
    pv_before = agency_figures(tasks, issued_at=T0, now=es - timedelta(milliseconds=1)).pv
    assert pv_at >= result.ev - 1e-6
    assert pv_before <= result.ev + 1e-9
    if result.ev <= result.pv - 1e-9:  # behind (or on) plan: ES is not after now
        assert es <= now
        assert result.spi_t is not None
        assert result.spi_t <= 1.0


@given(
    day=st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    zone=st.sampled_from(["America/New_York", "America/Los_Angeles", "Europe/Berlin", "UTC"]),
)
def test_property_deadline_is_last_microsecond_of_the_local_day(day: date, zone: str) -> None:
    tz = ZoneInfo(zone)
    deadline = deadline_of(day, tz)
    assert deadline.tzinfo is UTC
    assert local_date(deadline, tz) == day
    assert local_date(deadline + timedelta(microseconds=1), tz) == day + timedelta(days=1)


@given(issued_hours=st.integers(0, 365 * 24), offset_hours=st.integers(0, 45 * 24))
def test_property_day_number_plus_days_left_is_the_window(
    issued_hours: int, offset_hours: int
) -> None:
    issued = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=issued_hours)
    clock = directive_clock(issued_at=issued, now=issued + timedelta(hours=offset_hours), tz=NY)
    if clock.is_past_deadline:
        assert clock.days_past_deadline >= 1
        assert clock.day_number == 30 + clock.days_past_deadline
    else:
        assert clock.day_number + clock.days_remaining == 30


@given(
    endpoints=st.integers(0, 500),
    target=st.sampled_from([0.5, 0.8, 0.95, 1.0]),
    counts=st.lists(st.integers(0, 200), max_size=6),
    extra=st.integers(0, 200),
)
def test_property_tool_coverage_is_done_iff_100_and_never_drops(
    endpoints: int, target: float, counts: list[int], extra: int
) -> None:
    deployments = [(at(i), n) for i, n in enumerate(counts)]
    before = tool_coverage_progress(endpoints=endpoints, target=target, deployments=deployments)
    after = tool_coverage_progress(
        endpoints=endpoints, target=target, deployments=[*deployments, (at(99), extra)]
    )
    assert 0 <= before.percent <= after.percent <= 100
    assert before.done == (before.percent == 100) == (before.completed_at is not None)


@given(tasks=task_lists(), hours=HOURS)
def test_property_fleet_of_one_agency_is_that_agency(tasks: list[TaskInput], hours: int) -> None:
    result = agency_figures(tasks, issued_at=T0, now=T0 + timedelta(hours=hours))
    fleet = fleet_figures([result])
    assert (fleet.ev, fleet.pv, fleet.spi) == (result.ev, result.pv, result.spi)
    assert fleet.counts == result.counts
