"""The agency report's data: the fleet report's sections for one agency, plus its tasks,
evidence, deployments, KEV remediation and the last seven days of its history. Nothing of
another agency appears (its CISO reads it): only the fleet's medians."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from apps.audit.models import AuditEvent
from apps.clearinghouse.models import Remediation
from apps.core.errors import DomainError
from apps.deployments.models import ToolDeployment
from apps.directives.models import Task
from apps.directives.selectors import directive_schedule
from apps.readiness.charts import MILESTONE_STATES, burnup_chart, coverage_chart
from apps.readiness.clock import local_date
from apps.readiness.scoring import ClockState
from apps.readiness.selectors import figures_queryset
from apps.reports import selectors
from apps.reports.builders.common import (
    RATING_LABELS,
    Delta,
    TaskLine,
    burnup_series,
    fraction_delta,
    header_for,
    local_time,
    milestone_legend,
    spi_delta,
    task_lines,
)
from apps.reports.builders.fleet import coverage_label
from apps.reports.models import Report
from apps.tracking.models import AgencyTask, ExtensionRequest

KEV_LIST_MAX = 50  # the oldest overdue KEV entries listed; the report counts the rest
HISTORY_MAX = 200
HISTORY_DAYS = 7
REMEDIATION_LABELS = {
    "not_assessed": "Not assessed",
    **dict(Remediation.Status.choices),
}


@dataclass(frozen=True)
class MilestoneBlock:
    code: str
    title: str
    due_label: str
    state: str
    state_label: str
    css_class: str
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
    milestones = sorted(directive.milestones.all(), key=lambda m: m.day_offset)

    median_by_day = {
        r.day_number: r.median_ev
        for r in selectors.daily_runs_until(directive=directive, as_of=as_of)
    }
    median_by_day[run.day_number] = run.median_ev
    points = [
        (s.run.day_number, s.ev, s.pv, median_by_day.get(s.run.day_number))
        for s in selectors.agency_series_until(agency=agency, directive=directive, run=run)
    ]
    series = burnup_series(
        window_days=directive.window_days, points=points, today=run.day_number,
        with_comparison=True,
    )  # fmt: skip
    burnup = burnup_chart(
        days=series.days, ev=series.ev, pv=series.pv, today=series.today,
        window_days=directive.window_days,
        milestones=[(m.day_offset, m.code) for m in milestones],
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
    blocks = []
    for m in milestones:
        state = MILESTONE_STATES[mine.milestone_states.get(m.code, "pending")]
        blocks.append(
            MilestoneBlock(
                code=m.code,
                title=m.title,
                due_label=local_time(schedule.windows[m.pk][1]),
                state=state.key,
                state_label=state.label,
                css_class=state.css_class,
                lines=[x for x in lines if x.task.milestone_id == m.pk],
            )
        )
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
        "coverage_chart": _coverage_chart(
            tasks=list(tasks.values()), endpoints=agency.endpoint_count, deployments=deployments
        ),
        "kev": _kev(agency=agency, as_of=as_of, as_of_date=as_of_date),
        "history": _history(agency=agency, as_of=as_of),
        "history_days": HISTORY_DAYS,
    }


def _changes(*, report: Report, mine) -> AgencyChanges:
    previous = selectors.report_previous(report=report)
    if previous is None:
        return AgencyChanges(None, "", [], "", "")
    rows = selectors.snapshots_of(run=previous.run, agency_ids=[report.agency_id])
    if not rows:
        return AgencyChanges(previous, local_time(previous.run.computed_at), [], "", mine.rating)
    _, rating, ev, pv, spi = rows[0]
    deltas = [
        fraction_delta("Earned value (EV)", ev, mine.ev),
        fraction_delta("Planned value (PV)", pv, mine.pv),
        spi_delta(spi, mine.spi),
    ]
    return AgencyChanges(
        previous,
        local_time(previous.run.computed_at),
        deltas,
        RATING_LABELS.get(rating, ""),
        RATING_LABELS[mine.rating],
    )


def _coverage_chart(*, tasks: list[Task], endpoints: int, deployments: list[ToolDeployment]):
    """[R11] Coverage per coverage task, capped at the agency's endpoint count."""
    covered: Counter = Counter()
    for d in deployments:
        if d.stage == ToolDeployment.Stage.OPERATIONAL and d.tool.ai_enabled:
            covered[d.tool.category] += d.endpoints_covered
    rows = [
        (
            coverage_label(t),
            min(covered[t.coverage_category], endpoints) / endpoints if endpoints else 0.0,
            float(t.coverage_target),
        )
        for t in tasks
        if t.measure == Task.Measure.TOOL_COVERAGE
    ]
    return coverage_chart(rows=rows)


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
    """The agency's standing over the catalog at the freeze: open (not assessed or
    affected) entries whose CISA due date had passed are overdue."""
    statuses = selectors.remediation_as_of(agency=agency, as_of=as_of)
    catalog = selectors.catalog_as_of(as_of_date=as_of_date)
    counts: Counter = Counter()
    overdue = []
    for pk, cve, vendor, product, name, due, ransomware in catalog:
        status = statuses.get(pk, "not_assessed")
        counts[status] += 1
        if due < as_of_date and status in ("not_assessed", Remediation.Status.AFFECTED):
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
# Stored values of the audited status fields, as the portal names them.
VALUE_LABELS = {
    **dict(AgencyTask.Status.choices),
    **dict(ExtensionRequest.Status.choices),
    **dict(Remediation.Status.choices),
    **dict(ToolDeployment.Stage.choices),
}


def _history(*, agency, as_of: datetime) -> dict:
    events = list(selectors.history_until(agency=agency, as_of=as_of, days=HISTORY_DAYS)[
        : HISTORY_MAX + 1
    ])  # fmt: skip
    lines = [
        HistoryLine(
            when=local_time(e.occurred_at),
            who=(e.actor.get_full_name() or e.actor.username) if e.actor else "System",
            action=ACTION_LABELS.get(e.action, e.action),
            subject=e.object_repr,
            changes="; ".join(
                f"{name.replace('_', ' ')}: {_plain(before)} → {_plain(after)}"
                for name, (before, after) in sorted(_pairs(e.changes).items())
            ),
        )
        for e in events[:HISTORY_MAX]
    ]
    return {"lines": lines, "truncated": len(events) > HISTORY_MAX}


def _pairs(changes) -> dict:
    """{field: (before, after)} of an event's changes, leaving out what no reader needs."""
    return {
        name: tuple(change)
        for name, change in (changes or {}).items()
        if isinstance(change, list) and len(change) == 2 and name != "sha256"
    }


def _plain(value) -> str:
    """An audited value as a reader wants it: instants in ET, long text shortened."""
    if value is None or value == "":
        return "—"
    text = str(value)
    if text in VALUE_LABELS:
        return VALUE_LABELS[text]
    if isinstance(value, str) and len(text) > 10 and text[4] == "-" and "T" in text:
        try:
            return local_time(datetime.fromisoformat(text))
        except ValueError:
            pass
    return text if len(text) <= 60 else text[:57] + "…"
