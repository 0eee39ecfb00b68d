"""The agency report's data: the fleet report's sections for one agency, plus its tasks,
evidence, deployments, KEV remediation and the last seven days of its history. Nothing of
another agency appears (its CISO reads it): only the fleet's medians."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from apps.accounts.models import person_name
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_rows
from apps.clearinghouse.models import Remediation
from apps.core.errors import DomainError
from apps.directives.selectors import directive_schedule
from apps.portal.formatting import RATING_LABELS, heat_state, moment, pct, ratio
from apps.readiness.charts import MilestoneState, burnup_chart, coverage_chart
from apps.readiness.clock import DEFAULT_TZ, local_date
from apps.readiness.scoring import ClockState
from apps.readiness.selectors import Burnup, figures_queryset
from apps.reports import selectors
from apps.reports.builders.common import (
    PCT_DIGITS,
    Delta,
    Kpi,
    TaskLine,
    coverage_rows,
    fraction_delta,
    header_for,
    milestone_legend,
    spi_delta,
    task_lines,
)
from apps.reports.models import Report

# The names the history section below prints with: the portal's instants, in the
# directive's zone.

KEV_LIST_MAX = 50  # the oldest overdue KEV entries listed; the report counts the rest
HISTORY_MAX = 200
HISTORY_DAYS = 7
REMEDIATION_LABELS = dict(Remediation.Status.choices)


@dataclass(frozen=True)
class MilestoneBlock:
    code: str
    title: str
    due_label: str
    state: MilestoneState  # the heat map's state: label, css class, icon
    lines: list[TaskLine]


@dataclass(frozen=True)
class AgencyChanges:
    previous: Report | None
    previous_as_of: str
    deltas: list[Delta]
    rating_before: str
    rating_after: str


@dataclass(frozen=True)
class KevEntry:
    cve_id: str
    vendor_project: str
    product: str
    name: str
    due_date: object
    ransomware: bool
    status_label: str


@dataclass(frozen=True)
class HistoryLine:
    when: str
    who: str
    action: str
    subject: str
    changes: str


def agency_report_context(*, report: Report, generated_at: datetime) -> dict:
    """Everything templates/reports/pdf/agency.html shows."""
    directive, run, agency = report.directive, report.run, report.agency
    as_of = run.computed_at
    schedule = directive_schedule(directive=directive)
    mine = figures_queryset(directive=directive, run=run).filter(agency=agency).first()
    if mine is None:
        # The frozen run has no figures for the agency (no task assigned when it froze).
        raise DomainError(f"{agency} has no readiness figures in this report's basis.")
    median_by_day = {
        r.day_number: r.median_ev
        for r in selectors.daily_runs_until(directive=directive, as_of=as_of)
    }
    median_by_day[run.day_number] = run.median_ev
    # In time order, so the frozen figures win over that morning's daily snapshot.
    points = {
        s.run.day_number: (s.ev, s.pv, median_by_day.get(s.run.day_number))
        for s in selectors.agency_series_until(agency=agency, directive=directive, run=run)
        if s.run.day_number >= 0
    }
    series = Burnup.from_points(
        window_days=directive.window_days, points=points, with_comparison=True
    )
    milestones = sorted(schedule.offsets.items(), key=lambda item: item[1])
    burnup = burnup_chart(
        days=series.days, ev=series.ev, pv=series.pv, today=run.day_number,
        window_days=directive.window_days,
        milestones=[(offset, schedule.codes[pk]) for pk, offset in milestones],
        comparison=series.comparison, subject=agency.abbreviation or agency.name,
    )  # fmt: skip

    tasks = {t.pk: t for t in selectors.directive_tasks(directive=directive)}
    lines = task_lines(
        agency_tasks=selectors.agency_tasks_as_of(directive=directive, as_of=as_of, agency=agency),
        tasks=tasks,
        schedule=schedule,
        judged_at={agency.pk: mine.computed_at},
    )
    lines.sort(key=lambda x: (x.task.milestone.day_offset, x.task.code))
    # Milestone titles come with the tasks (the schedule has codes, offsets and windows).
    titles = {t.milestone_id: t.milestone.title for t in tasks.values()}
    blocks = [
        MilestoneBlock(
            code=schedule.codes[pk],
            title=titles.get(pk, ""),
            due_label=moment(schedule.windows[pk][1]),
            state=heat_state(mine.milestone_states, schedule.codes[pk]),
            lines=[x for x in lines if x.task.milestone_id == pk],
        )
        for pk, _ in milestones
    ]
    deployments = selectors.deployments_as_of(as_of=as_of, agency=agency)
    as_of_date = local_date(as_of, schedule.tz)
    return {
        "report": report,
        "agency": agency,
        "header": header_for(
            report=report,
            title=f"Agency readiness report: {agency.display_name}",
            subject=agency.display_name,
            generated_at=generated_at,
        ),
        "figures": mine,
        "kpis": _kpis(figures=mine, run=run, endpoints=agency.endpoint_count),
        "run": run,
        "state_counts": Counter(x.state for x in lines),
        "charts": {"burnup": burnup},
        "burnup_rows": series.rows,
        "changes": _changes(report=report, mine=mine),
        "milestones": blocks,
        "legend": milestone_legend(),
        "lines": lines,
        "overdue": [x for x in lines if x.state == ClockState.OVERDUE],
        "extensions": list(
            selectors.extensions_granted(directive=directive, as_of=as_of, agency=agency)
        ),
        "evidence": list(selectors.evidence_as_of(agency=agency, directive=directive, as_of=as_of)),
        "deployments": deployments,
        "coverage_chart": coverage_chart(
            rows=coverage_rows(
                tasks=list(tasks.values()),
                endpoints={agency.pk: agency.endpoint_count},
                deployments=deployments,
            )
        ),
        "kev": _kev(agency=agency, as_of=as_of, as_of_date=as_of_date),
        "history": _history(agency=agency, as_of=as_of),
        "history_days": HISTORY_DAYS,
    }


def _kpis(*, figures, run, endpoints: int) -> list[list[Kpi]]:
    f = figures
    return [
        [
            Kpi("Earned value (EV)", pct(f.ev, PCT_DIGITS),
                f"Fleet median {pct(run.median_ev, PCT_DIGITS)}"),
            Kpi("Planned value (PV)", pct(f.pv, PCT_DIGITS), "Work due by now"),
            Kpi("Schedule performance (SPI)", ratio(f.spi),
                f"Fleet median {ratio(run.median_spi)}"),
            Kpi("Rating", RATING_LABELS.get(f.rating, "Not rated"),
                f"Forecast completion {moment(f.forecast_at)}"),
        ],
        [
            Kpi("Tasks done", f"{f.tasks_done + f.tasks_late} of {f.tasks_total}",
                f"{f.tasks_late} done late, {f.tasks_not_applicable} not applicable"),
            Kpi("Overdue tasks", str(f.tasks_overdue), f"{f.tasks_at_risk} more at risk"),
            Kpi("Overdue KEV entries", str(f.kev_overdue), "open past CISA's due date"),
            Kpi("AI-defense coverage", pct(f.ai_coverage, PCT_DIGITS),
                f"of {endpoints} endpoints under AI-enabled EDR"),
        ],
    ]  # fmt: skip


def _changes(*, report: Report, mine) -> AgencyChanges:
    previous = selectors.report_previous(report=report)
    if previous is None:
        return AgencyChanges(None, "", [], "", "")
    rows = selectors.snapshots_of(run=previous.run, agency_ids=[report.agency_id])
    if not rows:
        return AgencyChanges(previous, moment(previous.run.computed_at), [], "", mine.rating)
    _, rating, ev, pv, spi = rows[0]
    deltas = [
        fraction_delta("Earned value (EV)", ev, mine.ev),
        fraction_delta("Planned value (PV)", pv, mine.pv),
        spi_delta(spi, mine.spi),
    ]
    return AgencyChanges(
        previous,
        moment(previous.run.computed_at),
        deltas,
        RATING_LABELS.get(rating, ""),
        RATING_LABELS[mine.rating],
    )


@dataclass(frozen=True)
class KevSection:
    counts: list[tuple[str, int]]
    catalog: int
    overdue: list[KevEntry]
    overdue_total: int

    @property
    def more(self) -> int:
        return self.overdue_total - len(self.overdue)


def _kev(*, agency, as_of: datetime, as_of_date) -> KevSection:
    """The agency's standing over the catalog at the freeze: open entries whose CISA due
    date had passed are overdue."""
    statuses = selectors.remediation_as_of(agency=agency, as_of=as_of)
    catalog = selectors.catalog_as_of(as_of_date=as_of_date)
    counts: Counter = Counter()
    overdue = []
    for pk, cve, vendor, product, name, due, ransomware in catalog:
        status = statuses.get(pk, Remediation.Status.NOT_ASSESSED)
        counts[status] += 1
        # Open until settled (closed, or not affected); not assessed is open.
        if due < as_of_date and status not in Remediation.SETTLED_STATUSES:
            overdue.append(
                KevEntry(cve, vendor, product, name, due, ransomware, REMEDIATION_LABELS[status])
            )
    return KevSection(
        counts=[(label, counts.get(key, 0)) for key, label in REMEDIATION_LABELS.items()],
        catalog=len(catalog),
        overdue=overdue[:KEV_LIST_MAX],
        overdue_total=len(overdue),
    )


ACTION_LABELS = dict(AuditEvent.Action.choices)
# Changes no reader of the report needs (a file's digest is for the portal's checks).
HISTORY_HIDDEN_FIELDS = {"sha256"}


def _history(*, agency, as_of: datetime) -> dict:
    events = list(selectors.history_until(agency=agency, as_of=as_of, days=HISTORY_DAYS)[
        : HISTORY_MAX + 1
    ])  # fmt: skip
    # The audit log's wording of each change (labels, people by name, times in the
    # directive's zone, which is the report's).
    rows = audit_rows(events=events[:HISTORY_MAX], tz=DEFAULT_TZ)
    lines = [
        HistoryLine(
            when=moment(row.event.occurred_at),
            who=person_name(row.event.actor),
            action=ACTION_LABELS.get(row.event.action, row.event.action),
            subject=row.event.object_repr,
            changes="; ".join(
                f"{c.field.lower()}: {c.before} → {c.after}"
                for c in row.changes
                if c.name not in HISTORY_HIDDEN_FIELDS
            ),
        )
        for row in rows
    ]
    return {"lines": lines, "truncated": len(events) > HISTORY_MAX}
