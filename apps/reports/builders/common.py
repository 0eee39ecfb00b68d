"""Pieces both reports share: the header facts, task lines at the freeze, the comparison
with the previous report, the coverage rows. Plain values for the templates; no query here
except through the selectors the callers name. Figures print as the portal's screens print
them (apps.portal.formatting), percentages with one decimal."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from apps.accounts.models import person_name
from apps.deployments.models import ToolDeployment
from apps.directives.models import Task
from apps.directives.selectors import Schedule
from apps.portal.formatting import moment, pct, ratio
from apps.readiness.charts import MILESTONE_STATES
from apps.readiness.clock import DEFAULT_TZ
from apps.readiness.inputs import clock_settings, task_input, task_meta
from apps.readiness.scoring import CLOCK_STATE_LABELS, clock_state, tool_coverage_progress
from apps.reports.models import Report
from apps.tracking.models import AgencyTask

AUTHOR = "Cyber Readiness Portal, directive program office"
PCT_DIGITS = 1  # the reports' percentages: "42.4%" (templates: `|pct:1`)

STATUS_LABELS = dict(AgencyTask.Status.choices)


@dataclass(frozen=True)
class Header:
    """What the cover, the page margins and the PDF metadata say."""

    title: str
    subject: str  # "Fleet" or the agency's name
    marking: str
    directive_code: str
    directive_title: str
    day_label: str
    day_number: int
    window_days: int
    as_of: datetime
    as_of_label: str
    requested_label: str
    generated_at: datetime
    generated_label: str
    requested_by: str
    trigger: str
    report_id: int
    author: str = AUTHOR

    @property
    def created_iso(self) -> str:
        return self.generated_at.astimezone(DEFAULT_TZ).isoformat(timespec="seconds")


def day_label(day_number: int, window_days: int) -> str:
    if day_number > window_days:
        return f"Past deadline (day {day_number})"
    if day_number < 1:
        return "Before day 1"
    return f"Day {day_number} of {window_days}"


def header_for(*, report: Report, title: str, subject: str, generated_at: datetime) -> Header:
    run = report.run
    directive = report.directive
    who = report.requested_by
    if who is not None:
        requested_by = person_name(who)
    elif report.trigger == Report.Trigger.ON_DEMAND:
        requested_by = "an operator (generate_report)"
    else:
        requested_by = f"the schedule ({report.get_trigger_display().lower()})"
    return Header(
        title=title,
        subject=subject,
        marking=settings.REPORT_MARKING,
        directive_code=directive.code,
        directive_title=directive.title,
        day_label=day_label(run.day_number, directive.window_days),
        day_number=run.day_number,
        window_days=directive.window_days,
        as_of=run.computed_at,
        as_of_label=moment(run.computed_at),
        requested_label=moment(report.created_at),
        generated_at=generated_at,
        generated_label=moment(generated_at),
        requested_by=requested_by,
        trigger=report.get_trigger_display(),
        report_id=report.pk,
    )


@dataclass(frozen=True)
class TaskLine:
    """One agency task at the freeze: its effective due [R3] and clock state [R9]."""

    agency_id: int
    task: Task
    status: str
    percent: int
    due: datetime
    state: str
    owner: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def state_label(self) -> str:
        return CLOCK_STATE_LABELS[self.state]

    @property
    def due_label(self) -> str:
        return moment(self.due)


def task_lines(
    *,
    agency_tasks: list[AgencyTask],
    tasks: dict[int, Task],
    schedule: Schedule,
    judged_at: dict[int, datetime],
) -> list[TaskLine]:
    """Each agency task's clock state, judged at the moment its agency's frozen figures
    were computed (`judged_at` by agency), so the lists agree with the figures' counts."""
    settings_ = clock_settings()
    metas = {pk: task_meta(t) for pk, t in tasks.items()}
    lines = []
    for at in agency_tasks:
        when = judged_at.get(at.agency_id)
        if when is None:  # not in the frozen run (assigned after it was computed)
            continue
        task_input_ = task_input(at, metas[at.task_id], schedule)
        lines.append(
            TaskLine(
                agency_id=at.agency_id,
                task=tasks[at.task_id],
                status=at.status,
                percent=at.percent,
                due=task_input_.due,
                state=clock_state(task_input_, when, settings_),
                owner=at.owner,
            )
        )
    return lines


@dataclass(frozen=True)
class Kpi:
    """One tile of a summary's key figures (templates/reports/pdf/partials/_kpis.html)."""

    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class Delta:
    """One figure now and in the previous report."""

    label: str
    before: str
    after: str
    change: str


def fraction_delta(label: str, before: float | None, after: float | None) -> Delta:
    return Delta(label, pct(before, PCT_DIGITS), pct(after, PCT_DIGITS), points(before, after))


def spi_delta(before: float | None, after: float | None) -> Delta:
    """SPI truncates as on the screens (0.748 never reads 0.75), and so does its change: the
    difference of the two figures as printed, so the row adds up."""
    change = "—"
    if before is not None and after is not None:
        change = f"{(_hundredths(after) - _hundredths(before)) / 100:+.2f}"
    return Delta("Schedule performance index (SPI)", ratio(before), ratio(after), change)


def _hundredths(value: float) -> int:
    return math.floor(value * 100)  # portal.ratio's truncation


def count_delta(label: str, before: int, after: int) -> Delta:
    return Delta(label, str(before), str(after), f"{after - before:+d}")


def points(before: float | None, after: float | None) -> str:
    """The change between two fractions in percentage points: "+3.2 pts"."""
    if before is None or after is None:
        return "—"
    return f"{(after - before) * 100:+.1f} pts"


def milestone_legend() -> list:
    return list(MILESTONE_STATES.values())


# --- AI-defense coverage ---------------------------------------------------------------

SHORT_CATEGORY = {
    "edr": "EDR", "siem_ueba": "SIEM/UEBA", "email_security": "Email security", "ndr": "NDR",
    "soar": "SOAR", "itdr": "Identity (ITDR)", "vuln_management": "Vuln. prioritization",
    "web_protection": "Web/API protection", "cloud_security": "Cloud posture",
}  # fmt: skip


def coverage_label(task: Task) -> str:
    """ "T05 · AI-enabled EDR": short enough for the chart's label column."""
    category = SHORT_CATEGORY.get(task.coverage_category, task.coverage_category)
    return f"{task.code} · AI-enabled {category}"


def coverage_rows(
    *, tasks: list[Task], endpoints: dict[int, int], deployments: list[ToolDeployment]
) -> list[tuple[str, float, float]]:
    """(label, covered share, target) of each coverage task, for the coverage chart: over
    the agencies of `endpoints` ({agency id: endpoint count}), the endpoints the engine
    counts for the task [R11] (apps.readiness.scoring.tool_coverage_progress: operational
    AI-enabled tools of its category, capped at each agency's endpoint count) over all
    their endpoints."""
    counted: dict[tuple[int, str], list[tuple[datetime, int]]] = defaultdict(list)
    for d in deployments:
        if d.counts_toward_coverage:
            counted[(d.agency_id, d.tool.category)].append(
                (d.operational_since, d.endpoints_covered)
            )
    total = sum(endpoints.values())
    rows = []
    for task in tasks:
        if task.measure != Task.Measure.TOOL_COVERAGE:
            continue
        covered = sum(
            tool_coverage_progress(
                endpoints=count,
                target=task.coverage_target,
                deployments=counted.get((agency_id, task.coverage_category), []),
            ).covered
            for agency_id, count in endpoints.items()
        )
        rows.append((coverage_label(task), covered / total if total else 0.0,
                     float(task.coverage_target)))  # fmt: skip
    return rows
