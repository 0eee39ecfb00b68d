"""The fleet report's data: every figure from the report's frozen run, every record list as
it stood at the freeze. A fixed number of queries whatever the number of agencies."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from apps.agencies.models import Agency
from apps.directives.selectors import directive_schedule
from apps.portal.formatting import RATING_LABELS, moment, pct, ratio
from apps.readiness.charts import coverage_chart
from apps.readiness.clock import local_date
from apps.readiness.dashboard import HeatSummaryRow, fleet_picture
from apps.readiness.scoring import ClockState
from apps.readiness.selectors import agency_figures_list
from apps.reports import selectors
from apps.reports.builders.common import (
    PCT_DIGITS,
    Delta,
    Kpi,
    TaskLine,
    count_delta,
    coverage_rows,
    fraction_delta,
    header_for,
    milestone_legend,
    spi_delta,
    task_lines,
)
from apps.reports.models import Report

KEV_TOP = 25  # agencies listed by overdue KEV entries (the rest are counted)
COVERAGE_BANDS = ((0.0, 0.25, "Under 25%"), (0.25, 0.5, "25% to 50%"), (0.5, 0.8, "50% to 80%"))


@dataclass(frozen=True)
class RatingChange:
    agency: Agency
    before: str
    after: str

    @property
    def before_label(self) -> str:
        return RATING_LABELS.get(self.before, "Not rated")


@dataclass(frozen=True)
class Changes:
    """What changed since the previous report of the same scope."""

    previous: Report | None
    previous_as_of: str
    deltas: list[Delta]
    rating_changes: list[RatingChange] = field(default_factory=list)


@dataclass(frozen=True)
class MilestoneSummary:
    """A row of the dashboard's heat-map summary, with what the printed table adds."""

    row: HeatSummaryRow
    title: str
    due_label: str


@dataclass(frozen=True)
class AgencyOverdue:
    agency: Agency
    lines: list[TaskLine]


def fleet_report_context(*, report: Report, generated_at: datetime) -> dict:
    """Everything templates/reports/pdf/fleet.html shows. The summary (KPIs, burn-up,
    rating and SPI charts, milestone counts) is the dashboard's, from the frozen run."""
    directive, run = report.directive, report.run
    as_of = run.computed_at
    schedule = directive_schedule(directive=directive)
    picture = fleet_picture(directive=directive, schedule=schedule, now=as_of, run=run)
    overview = picture.overview
    figures = list(agency_figures_list(directive=directive, run=run, sort="risk"))

    tasks = {t.pk: t for t in selectors.directive_tasks(directive=directive)}
    judged_at = {f.agency_id: f.computed_at for f in figures}
    lines = task_lines(
        agency_tasks=selectors.agency_tasks_as_of(directive=directive, as_of=as_of),
        tasks=tasks,
        schedule=schedule,
        judged_at=judged_at,
    )
    by_agency: dict[int, list[TaskLine]] = defaultdict(list)
    for line in lines:
        if line.state == ClockState.OVERDUE:
            by_agency[line.agency_id].append(line)
    overdue = [
        AgencyOverdue(f.agency, sorted(by_agency[f.agency_id], key=lambda x: (x.due, x.task.code)))
        for f in figures
        if by_agency.get(f.agency_id)
    ]

    # Milestone titles come with the tasks (the schedule has codes, offsets and windows).
    titles = {t.milestone_id: t.milestone.title for t in tasks.values()}
    by_code = {code: pk for pk, code in schedule.codes.items()}
    milestone_rows = [
        MilestoneSummary(
            row,
            titles.get(by_code[row.code], ""),
            moment(schedule.windows[by_code[row.code]][1]),
        )
        for row in picture.heat_summary
    ]

    deployments = selectors.deployments_as_of(as_of=as_of)
    coverage = CoverageSection(
        chart=coverage_chart(
            rows=coverage_rows(
                tasks=list(tasks.values()),
                endpoints={f.agency_id: f.agency.endpoint_count for f in figures},
                deployments=deployments,
            )
        ),
        bands=coverage_bands([f.ai_coverage for f in figures]),
    )
    kev = _kev(figures=figures, as_of_date=local_date(as_of, schedule.tz))
    extensions = list(selectors.extensions_granted(directive=directive, as_of=as_of))
    return {
        "report": report,
        "header": header_for(
            report=report,
            title=f"Fleet readiness report: {directive.code}",
            subject="Fleet",
            generated_at=generated_at,
        ),
        "overview": overview,
        "kpis": _kpis(overview=overview, kev=kev, extensions=len(extensions)),
        "figures": figures,
        "charts": {
            "burnup": picture.burnup,
            "ratings": picture.rating_chart,
            "spi": picture.spi_chart,
        },
        "burnup_rows": picture.series.rows,
        "changes": _changes(report=report, overview=overview, figures=figures),
        "milestones": milestone_rows,
        "milestone_codes": [row.code for row in picture.heat_summary],
        "legend": milestone_legend(),
        "overdue": overdue,
        "overdue_total": sum(len(o.lines) for o in overdue),
        "extensions": extensions,
        "coverage": coverage,
        "kev": kev,
    }


def _kpis(*, overview, kev: "KevSection", extensions: int) -> list[list[Kpi]]:
    o = overview
    return [
        [
            Kpi("Earned value (EV)", pct(o.ev, PCT_DIGITS),
                f"Median agency {pct(o.median_ev, PCT_DIGITS)}"),
            Kpi("Planned value (PV)", pct(o.pv, PCT_DIGITS), "Work due by now"),
            Kpi("Schedule performance (SPI)", ratio(o.spi), f"Median agency {ratio(o.median_spi)}"),
            Kpi("Agencies green / amber / red", f"{o.green} / {o.amber} / {o.red}",
                f"of {o.agencies} rated"),
        ],
        [
            Kpi("Overdue tasks", str(o.tasks_overdue), f"{o.tasks_at_risk} more at risk"),
            Kpi("Overdue KEV entries", str(o.kev_overdue),
                f"across {kev.agencies_with_overdue} agencies"),
            Kpi("AI-defense coverage", pct(o.ai_coverage, PCT_DIGITS),
                "Mean share of endpoints under AI-enabled EDR"),
            Kpi("Extensions granted", str(extensions), "by the freeze"),
        ],
    ]  # fmt: skip


def _changes(*, report: Report, overview, figures: list) -> Changes:
    previous = selectors.report_previous(report=report)
    if previous is None:
        return Changes(None, "", [])
    before = previous.run
    deltas = [
        fraction_delta("Earned value (EV)", before.ev, overview.ev),
        fraction_delta("Planned value (PV)", before.pv, overview.pv),
        spi_delta(before.spi, overview.spi),
        count_delta("Agencies rated green", before.green, overview.green),
        count_delta("Agencies rated amber", before.amber, overview.amber),
        count_delta("Agencies rated red", before.red, overview.red),
        count_delta("Overdue tasks", before.tasks_overdue, overview.tasks_overdue),
        count_delta("Overdue KEV entries", before.kev_overdue, overview.kev_overdue),
    ]
    was = {agency_id: rating for agency_id, rating, *_ in selectors.snapshots_of(run=before)}
    rating_changes = [
        RatingChange(f.agency, was.get(f.agency_id, ""), f.rating)
        for f in figures
        if was.get(f.agency_id) != f.rating
    ]
    return Changes(previous, moment(before.computed_at), deltas, rating_changes)


@dataclass(frozen=True)
class CoverageSection:
    chart: object
    bands: list[tuple[str, int]]


def coverage_bands(values: list[float | None]) -> list[tuple[str, int]]:
    counts = [0] * (len(COVERAGE_BANDS) + 2)
    for value in values:
        if value is None:
            counts[-1] += 1
            continue
        for i, (low, high, _) in enumerate(COVERAGE_BANDS):
            if low <= value < high:
                counts[i] += 1
                break
        else:
            counts[len(COVERAGE_BANDS)] += 1
    labels = [label for *_, label in COVERAGE_BANDS] + ["80% or more", "No endpoints reported"]
    return list(zip(labels, counts, strict=True))


@dataclass(frozen=True)
class KevSection:
    catalog: int
    due: int
    overdue_total: int
    agencies_with_overdue: int
    top: list
    others: int


def _kev(*, figures: list, as_of_date) -> KevSection:
    """Overdue KEV entries are frozen per agency in the run; the catalog is counted as of
    the freeze date."""
    catalog = selectors.catalog_counts(as_of_date=as_of_date)
    with_overdue = sorted(
        (f for f in figures if f.kev_overdue),
        key=lambda f: (-f.kev_overdue, f.agency.name),
    )
    return KevSection(
        catalog=catalog["total"],
        due=catalog["due"],
        overdue_total=sum(f.kev_overdue for f in figures),
        agencies_with_overdue=len(with_overdue),
        top=with_overdue[:KEV_TOP],
        others=max(0, len(with_overdue) - KEV_TOP),
    )
