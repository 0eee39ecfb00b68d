"""Reads of readiness figures for dashboards and reports.

Every function reads either the current figures (AgencyReadiness) or, given a ReadinessRun,
the figures frozen in its snapshots, so a PDF report shows exactly what the fleet looked like
when it was requested. Counts of queries are constant: aggregates and one page of rows."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.directives.models import Directive
from apps.directives.selectors import directive_current
from apps.readiness.inputs import task_input, task_meta
from apps.readiness.models import AgencyReadiness, Rating, ReadinessRun, ReadinessSnapshot
from apps.readiness.scoring import TaskInput

RATING_ORDER = Case(
    When(rating=Rating.RED, then=Value(0)),
    When(rating=Rating.AMBER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def figures_queryset(*, directive: Directive, run: ReadinessRun | None = None) -> QuerySet:
    """Per-agency figures: current, or frozen in `run`. Rows carry their agency and its
    department (select_related) and a `risk` rank (red, then amber, then green)."""
    if run is not None:
        qs = ReadinessSnapshot.objects.filter(run=run)
    else:
        qs = AgencyReadiness.objects.filter(directive=directive)
    return qs.select_related("agency", "agency__parent").annotate(risk=RATING_ORDER)


@dataclass(frozen=True)
class FiguresState:
    """The current directive with a version of its figures that changes whenever any
    agency's figures are recomputed: the key of cached renderings of them."""

    directive: Directive
    version: str


def figures_state() -> FiguresState:
    """The current directive and the version of its figures, in one query."""
    directive = directive_current(
        Directive.objects.annotate(
            figures_count=Count("agency_readiness"),
            figures_last=Max("agency_readiness__computed_at"),
        )
    )
    last = directive.figures_last.timestamp() if directive.figures_last else 0
    stamp = directive.updated_at.timestamp()
    return FiguresState(directive, f"{directive.pk}:{stamp}:{directive.figures_count}:{last}")


@dataclass(frozen=True)
class FleetOverview:
    """The fleet's KPIs: sums of weighted sums (never averages of agency ratios)."""

    agencies: int
    ev: float
    pv: float
    spi: float | None
    green: int
    amber: int
    red: int
    median_ev: float | None
    median_spi: float | None
    tasks_overdue: int
    tasks_at_risk: int
    kev_overdue: int
    ai_coverage: float | None
    computed_at: datetime | None
    spis: tuple[float | None, ...] = ()
    # {milestone code: {state: number of agencies}} for the heat map's summary row
    milestone_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return self.green + self.amber + self.red


def group_totals() -> dict:
    """The sums every group of agencies is judged by (fleet, department, report)."""
    return {
        "agencies": Count("id"),
        "earned": Sum("earned_weight"),
        "planned": Sum("planned_weight"),
        "weight": Sum("weight_total"),
        "green": Count("id", filter=Q(rating=Rating.GREEN)),
        "amber": Count("id", filter=Q(rating=Rating.AMBER)),
        "red": Count("id", filter=Q(rating=Rating.RED)),
        "tasks_overdue": Sum("tasks_overdue"),
        "tasks_at_risk": Sum("tasks_at_risk"),
        "kev_overdue": Sum("kev_overdue"),
        "ai_coverage": Avg("ai_coverage"),
    }


def overview_from_totals(totals: dict, **extra) -> FleetOverview:
    """[R13] Figures of a group from its sums: EV = sum(earned) / sum(weight), never an
    average of the agencies' ratios."""
    earned, planned, weight = (totals[k] or 0 for k in ("earned", "planned", "weight"))
    return FleetOverview(
        agencies=totals["agencies"],
        ev=earned / weight if weight else 0.0,
        pv=planned / weight if weight else 0.0,
        spi=earned / planned if planned > 0 else None,
        green=totals["green"],
        amber=totals["amber"],
        red=totals["red"],
        tasks_overdue=totals["tasks_overdue"] or 0,
        tasks_at_risk=totals["tasks_at_risk"] or 0,
        kev_overdue=totals["kev_overdue"] or 0,
        ai_coverage=totals["ai_coverage"],
        **{"median_ev": None, "median_spi": None, "computed_at": None} | extra,
    )


def medians_of(rows) -> dict:
    """Median EV (agencies with applicable work only) and median SPI (where there is one)
    of (ev, spi, weight_total) rows, as scoring.fleet_figures judges them [R13]."""
    evs = [ev for ev, _, weight in rows if weight]
    spis = [spi for _, spi, _ in rows if spi is not None]
    return {
        "median_ev": statistics.median(evs) if evs else None,
        "median_spi": statistics.median(spis) if spis else None,
    }


def fleet_overview(
    *, directive: Directive, run: ReadinessRun | None = None, agency_ids=None
) -> FleetOverview:
    """KPIs of the fleet (or of the given agencies) in two queries."""
    qs = figures_queryset(directive=directive, run=run)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    rows = list(qs.values_list("ev", "spi", "weight_total", "computed_at", "milestone_states"))
    milestone_counts: dict[str, dict[str, int]] = {}
    for *_, states in rows:
        for code, state in (states or {}).items():
            counts = milestone_counts.setdefault(code, {})
            counts[state] = counts.get(state, 0) + 1
    return overview_from_totals(
        qs.aggregate(**group_totals()),
        **medians_of([row[:3] for row in rows]),
        computed_at=min((row[3] for row in rows), default=None),
        spis=tuple(row[1] for row in rows),
        milestone_counts=milestone_counts,
    )


@dataclass(frozen=True)
class Burnup:
    """EV and PV (and an optional comparison line) by directive day, None where a day has
    no figure; from day 0 to the deadline, or to the last day with a figure if later."""

    days: list[int]
    ev: list[float | None]
    pv: list[float | None]
    comparison: list[float | None] | None = None

    @classmethod
    def from_points(
        cls, *, window_days: int, points: dict[int, tuple], with_comparison: bool = False
    ) -> "Burnup":
        """From {day: (ev, pv)} or, `with_comparison`, {day: (ev, pv, comparison)}; days
        before day 0 are left out."""
        days = list(range(max([window_days, *points]) + 1))

        def column(i: int) -> list:
            return [points[d][i] if d in points else None for d in days]

        return cls(days, column(0), column(1), column(2) if with_comparison else None)

    def with_point(
        self, day: int, ev: float, pv: float, comparison: float | None = None
    ) -> "Burnup":
        """The series with `day`'s figures replaced (today's live or frozen ones), the days
        extended to reach it if it is past the deadline."""
        if day < 0:
            return self
        points = {d: self.point(i) for i, d in enumerate(self.days)}
        points[day] = (ev, pv, comparison)
        return Burnup.from_points(
            window_days=len(self.days) - 1,
            points=points,
            with_comparison=self.comparison is not None,
        )

    def point(self, i: int) -> tuple:
        return self.ev[i], self.pv[i], self.comparison[i] if self.comparison else None

    @property
    def rows(self) -> list[tuple[int, float | None, float | None, float | None, float | None]]:
        """(day, pv, ev, spi, comparison) of the days with figures: the chart's data as the
        PDF prints it, without the empty days of its screen-reader table."""
        out = []
        for i, day in enumerate(self.days):
            ev, pv, other = self.point(i)
            if ev is None and pv is None:
                continue
            spi = ev / pv if ev is not None and pv else None
            out.append((day, pv, ev, spi, other))
        return out


def fleet_burnup(*, directive: Directive, until: date | None = None) -> Burnup:
    """Fleet EV and PV by directive day, from the daily snapshot series (one query)."""
    runs = ReadinessRun.objects.filter(directive=directive, kind=ReadinessRun.Kind.DAILY)
    if until is not None:
        runs = runs.filter(snapshot_date__lte=until)
    points = {
        day: (ev, pv) for day, ev, pv in runs.values_list("day_number", "ev", "pv") if day >= 0
    }
    return Burnup.from_points(window_days=directive.window_days, points=points)


AGENCY_SORTS = {
    "risk": ("risk", "spi", "ev", "agency__name"),
    "rating": ("risk", "agency__name"),
    "ev": ("ev", "agency__name"),
    "-ev": ("-ev", "agency__name"),
    "spi": (F("spi").asc(nulls_first=True), "agency__name"),
    "-spi": (F("spi").desc(nulls_last=True), "agency__name"),
    "name": ("agency__name",),
    "-name": ("-agency__name",),
}


def agency_figures_list(
    *,
    directive: Directive,
    run: ReadinessRun | None = None,
    department: int | None = None,
    tier: str | None = None,
    rating: str | None = None,
    search: str = "",
    sort: str = "risk",
) -> QuerySet:
    """The agency table: filtered, searched and sorted in the database (paginate it)."""
    qs = figures_queryset(directive=directive, run=run)
    if department:
        qs = qs.filter(Q(agency__parent_id=department) | Q(agency_id=department))
    if tier:
        qs = qs.filter(agency__tier=tier)
    if rating:
        qs = qs.filter(rating=rating)
    if search:
        qs = qs.filter(
            Q(agency__name__icontains=search)
            | Q(agency__abbreviation__iexact=search)
            | Q(agency__parent__name__icontains=search)
            | Q(agency__parent__abbreviation__iexact=search)
        )
    return qs.order_by(*AGENCY_SORTS.get(sort, AGENCY_SORTS["risk"]))


def departments_with_units() -> QuerySet[Agency]:
    return Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).order_by("name")


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    agency: Agency | None
    overview: FleetOverview


def rollup_by_department(
    *, directive: Directive, run: ReadinessRun | None = None
) -> list[GroupFigures]:
    """The fleet's figures per department (its bureaus summed) and for independent agencies
    as one group, in two queries whatever the number of departments."""
    qs = figures_queryset(directive=directive, run=run)
    groups = qs.values("agency__parent_id").annotate(**group_totals()).order_by()
    departments = {a.pk: a for a in Agency.objects.filter(kind=Agency.Kind.DEPARTMENT)}
    out = []
    for totals in groups:
        parent = departments.get(totals["agency__parent_id"])
        overview = overview_from_totals(totals)
        if parent is None:
            out.append(GroupFigures("independent", "Independent agencies", None, overview))
        else:
            out.append(GroupFigures(str(parent.pk), parent.display_name, parent, overview))
    return sorted(out, key=lambda g: (g.agency is None, -g.overview.red, g.label))


@dataclass(frozen=True)
class AgencyStanding:
    """One agency's current figures beside the fleet's medians (no other agency is named)."""

    figures: AgencyReadiness | None
    median_ev: float | None
    median_spi: float | None
    spis: tuple[float | None, ...] = ()

    @property
    def position_chart(self):
        """The fleet's SPI distribution with this agency's place marked: anonymous counts
        only, so a CISO sees where they stand without another agency's name or figures."""
        from apps.readiness.charts import spi_distribution_chart

        own = self.figures.spi if self.figures else None
        return spi_distribution_chart(
            spis=list(self.spis), highlight=own, highlight_label="Your agency",
            title="Where your agency stands: agencies by schedule performance index",
        )  # fmt: skip


def agency_standing(*, agency: Agency, directive: Directive) -> AgencyStanding:
    """An agency's current figures (None before the first computation) and the fleet
    medians of EV and SPI, in two queries."""
    figures = AgencyReadiness.objects.filter(agency=agency, directive=directive).first()
    rows = list(
        AgencyReadiness.objects.filter(directive=directive).values_list("ev", "spi", "weight_total")
    )
    return AgencyStanding(
        figures=figures, spis=tuple(spi for _, spi, _ in rows), **medians_of(rows)
    )


def task_inputs(*, agency_tasks, schedule) -> list[TaskInput]:
    """The pure rules' view of AgencyTask objects (their `task` loaded), for showing each
    task's effective due and clock state; same construction as the fleet computation."""
    return [task_input(at, task_meta(at.task), schedule) for at in agency_tasks]


def user_sees_fleet(user: User) -> bool:
    """Fleet-wide pages (every agency's name and figures): oversight and leadership only."""
    return user.is_authenticated and user.sees_all_agencies
