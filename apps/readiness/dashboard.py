"""What the fleet dashboard shows (and the PDF fleet report's summary reuses): KPIs, charts
and the heat-map summary, from current figures or a frozen run."""

from dataclasses import dataclass
from datetime import datetime

from apps.directives.models import Directive
from apps.directives.selectors import Schedule
from apps.readiness.charts import (
    MILESTONE_STATES,
    Chart,
    burnup_chart,
    rating_bar_chart,
    spi_distribution_chart,
)
from apps.readiness.models import ReadinessRun
from apps.readiness.selectors import Burnup, FleetOverview, fleet_burnup, fleet_overview


@dataclass(frozen=True)
class HeatSummaryRow:
    code: str
    day_offset: int
    counts: list[tuple[object, int]]  # (MilestoneState, number of agencies) in legend order


@dataclass(frozen=True)
class FleetPicture:
    overview: FleetOverview
    series: Burnup  # the burn-up's figures, today's point included
    burnup: Chart
    spi_chart: Chart
    rating_chart: Chart
    heat_summary: list[HeatSummaryRow]


def fleet_picture(
    *, directive: Directive, schedule: Schedule, now: datetime, run: ReadinessRun | None = None
) -> FleetPicture:
    """KPIs and charts of the fleet, in three queries (aggregate, per-agency values, series).
    Today's point of the burn-up is the live figure (or, given a `run`, the run's frozen
    one), so the chart ends where the KPIs are."""
    overview = fleet_overview(directive=directive, run=run)
    clock = schedule.clock(now)
    series = fleet_burnup(directive=directive, until=run.snapshot_date if run else None)
    if overview.agencies:
        series = series.with_point(clock.day_number, overview.ev, overview.pv)
    milestones = sorted(schedule.offsets.items(), key=lambda item: item[1])
    burnup = burnup_chart(
        days=series.days,
        ev=series.ev,
        pv=series.pv,
        today=clock.day_number,
        window_days=directive.window_days,
        milestones=[(offset, schedule.codes[pk]) for pk, offset in milestones],
    )
    spi_chart = spi_distribution_chart(spis=list(overview.spis))
    rating_chart = rating_bar_chart(green=overview.green, amber=overview.amber, red=overview.red)
    heat = [
        HeatSummaryRow(
            code=schedule.codes[pk],
            day_offset=offset,
            counts=[
                (state, overview.milestone_counts.get(schedule.codes[pk], {}).get(key, 0))
                for key, state in MILESTONE_STATES.items()
            ],
        )
        for pk, offset in milestones
    ]
    return FleetPicture(overview, series, burnup, spi_chart, rating_chart, heat)
