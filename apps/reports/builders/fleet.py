"""The fleet report's data: every figure from the report's frozen run, every record list as
it stood at the freeze. A fixed number of queries whatever the number of agencies."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from apps.agencies.models import Agency
from apps.deployments.models import ToolDeployment
from apps.directives.models import Task
from apps.directives.selectors import directive_schedule
from apps.readiness.charts import (
    burnup_chart,
    coverage_chart,
    rating_bar_chart,
    spi_distribution_chart,
)
from apps.readiness.clock import local_date
from apps.readiness.scoring import ClockState
from apps.readiness.selectors import agency_figures_list, fleet_overview
from apps.reports import selectors
from apps.reports.builders.common import (
    RATING_LABELS,
    Delta,
    TaskLine,
    burnup_series,
    count_delta,
    fraction_delta,
    header_for,
    local_time,
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

    @property
    def after_label(self) -> str:
        return RATING_LABELS[self.after]


@dataclass(frozen=True)
class Changes:
    """What changed since the previous report of the same scope."""

    previous: Report | None
    previous_as_of: str
    deltas: list[Delta]
    rating_changes: list[RatingChange] = field(default_factory=list)


@dataclass(frozen=True)
class MilestoneSummary:
    code: str
    title: str
    day_offset: int
    due_label: str
    counts: dict[str, int]


@dataclass(frozen=True)
class AgencyOverdue:
    agency: Agency
    lines: list[TaskLine]


def fleet_report_context(*, report: Report, generated_at: datetime) -> dict:
    """Everything templates/reports/pdf/fleet.html shows."""
    directive, run = report.directive, report.run
    as_of = run.computed_at
    schedule = directive_schedule(directive=directive)
    overview = fleet_overview(directive=directive, run=run)
    figures = list(agency_figures_list(directive=directive, run=run, sort="risk"))
    milestones = sorted(directive.milestones.all(), key=lambda m: m.day_offset)

    # Burn-up: the daily series up to the freeze, ending at the frozen figures.
    points = [(r.day_number, r.ev, r.pv, None) for r in selectors.daily_runs_until(
        directive=directive, as_of=as_of
    )]  # fmt: skip
    points.append((run.day_number, run.ev, run.pv, None))
    series = burnup_series(window_days=directive.window_days, points=points, today=run.day_number)
    charts = {
        "burnup": burnup_chart(
            days=series.days, ev=series.ev, pv=series.pv, today=series.today,
            window_days=directive.window_days,
            milestones=[(m.day_offset, m.code) for m in milestones], subject="Fleet",
        ),
        "ratings": rating_bar_chart(green=overview.green, amber=overview.amber, red=overview.red),
        "spi": spi_distribution_chart(spis=[f.spi for f in figures]),
    }  # fmt: skip

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

    due_labels = {m.pk: local_time(schedule.windows[m.pk][1]) for m in milestones}
    milestone_rows = []
    for m in milestones:
        counts = Counter(f.milestone_states.get(m.code, "pending") for f in figures)
        milestone_rows.append(
            MilestoneSummary(m.code, m.title, m.day_offset, due_labels[m.pk], dict(counts))
        )

    coverage = _coverage(
        tasks=list(tasks.values()),
        figures=figures,
        deployments=selectors.deployments_as_of(as_of=as_of),
    )
    kev = _kev(figures=figures, as_of_date=local_date(as_of, schedule.tz))
    subject = "Fleet"
    return {
        "report": report,
        "header": header_for(
            report=report,
            title=f"Fleet readiness report: {directive.code}",
            subject=subject,
            generated_at=generated_at,
        ),
        "overview": overview,
        "figures": figures,
        "charts": charts,
        "burnup_rows": series.rows,
        "changes": _changes(report=report, overview=overview, figures=figures),
        "milestones": milestone_rows,
        "milestone_codes": [m.code for m in milestones],
        "legend": milestone_legend(),
        "overdue": overdue,
        "overdue_total": sum(len(o.lines) for o in overdue),
        "extensions": list(selectors.extensions_granted(directive=directive, as_of=as_of)),
        "coverage": coverage,
        "kev": kev,
    }


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
    return Changes(previous, local_time(before.computed_at), deltas, rating_changes)


@dataclass(frozen=True)
class CoverageSection:
    chart: object
    bands: list[tuple[str, int]]


def _coverage(
    *, tasks: list[Task], figures: list, deployments: list[ToolDeployment]
) -> CoverageSection:
    """[R11] per coverage task: endpoints under operational AI-enabled tools of its
    category, capped at each agency's endpoint count, over all agencies' endpoints; and
    the agencies by their AI-enabled EDR coverage (the dashboard's KPI, frozen)."""
    endpoints = {f.agency_id: f.agency.endpoint_count for f in figures}
    covered: dict[tuple[int, str], int] = defaultdict(int)
    for d in deployments:
        if d.stage == ToolDeployment.Stage.OPERATIONAL and d.tool.ai_enabled:
            covered[(d.agency_id, d.tool.category)] += d.endpoints_covered
    total = sum(endpoints.values())
    rows = []
    for task in tasks:
        if task.measure != Task.Measure.TOOL_COVERAGE:
            continue
        category = task.coverage_category
        reached = sum(
            min(covered.get((agency_id, category), 0), count)
            for agency_id, count in endpoints.items()
        )
        rows.append(
            (
                coverage_label(task),
                reached / total if total else 0.0,
                float(task.coverage_target),
            )
        )
    return CoverageSection(
        chart=coverage_chart(rows=rows), bands=coverage_bands([f.ai_coverage for f in figures])
    )


SHORT_CATEGORY = {
    "edr": "EDR", "siem_ueba": "SIEM/UEBA", "email_security": "Email security", "ndr": "NDR",
    "soar": "SOAR", "itdr": "Identity (ITDR)", "vuln_management": "Vuln. prioritization",
    "web_protection": "Web/API protection", "cloud_security": "Cloud posture",
}  # fmt: skip


def coverage_label(task: Task) -> str:
    """ "T05 · AI-enabled EDR": short enough for the chart's label column."""
    category = SHORT_CATEGORY.get(task.coverage_category, task.coverage_category)
    return f"{task.code} · AI-enabled {category}"


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
