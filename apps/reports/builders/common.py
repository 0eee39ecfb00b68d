"""Pieces both reports share: the header facts, task lines at the freeze, the burn-up,
the comparison with the previous report. Plain values for the templates; no query here
except through the selectors the callers name."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from apps.directives.models import Task
from apps.directives.selectors import Schedule
from apps.readiness.charts import MILESTONE_STATES
from apps.readiness.clock import zone_abbreviation
from apps.readiness.inputs import clock_settings, task_input, task_meta, task_row
from apps.readiness.scoring import CLOCK_STATE_LABELS, clock_state
from apps.reports.models import Report
from apps.tracking.models import AgencyTask

# America/New_York is the directive's zone and the display zone of every report ("in ET").
REPORT_TZ = ZoneInfo("America/New_York")
AUTHOR = "Cyber Readiness Portal, directive program office"

STATUS_LABELS = dict(AgencyTask.Status.choices)
RATING_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


def local_time(moment: datetime | None) -> str:
    """ "Nov 27, 2026, 6:00 AM ET": the reports' one way of printing an instant."""
    if moment is None:
        return "—"
    local = moment.astimezone(REPORT_TZ)
    hour = local.hour % 12 or 12
    meridiem = "AM" if local.hour < 12 else "PM"
    zone = zone_abbreviation(moment, REPORT_TZ)
    return f"{local:%b} {local.day}, {local.year}, {hour}:{local.minute:02d} {meridiem} {zone}"


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
        return self.generated_at.astimezone(REPORT_TZ).isoformat(timespec="seconds")


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
        requested_by = who.get_full_name() or who.username
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
        as_of_label=local_time(run.computed_at),
        requested_label=local_time(report.created_at),
        generated_at=generated_at,
        generated_label=local_time(generated_at),
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
        return local_time(self.due)


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
        task_input_ = task_input(task_row(at), metas[at.task_id], schedule)
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
class BurnupSeries:
    days: list[int]
    ev: list[float | None]
    pv: list[float | None]
    comparison: list[float | None] | None
    today: int

    @property
    def rows(self) -> list[tuple[int, float | None, float | None, float | None, float | None]]:
        """(day, pv, ev, spi, comparison) of the days with figures: the chart's data in
        print, without the empty days of its screen-reader table."""
        out = []
        for i, day in enumerate(self.days):
            ev, pv = self.ev[i], self.pv[i]
            if ev is None and pv is None:
                continue
            ratio = ev / pv if ev is not None and pv else None
            out.append((day, pv, ev, ratio, self.comparison[i] if self.comparison else None))
        return out


def burnup_series(
    *,
    window_days: int,
    points: list[tuple[int, float, float, float | None]],
    today: int,
    with_comparison: bool = False,
) -> BurnupSeries:
    """Series by directive day from (day, ev, pv, comparison) points; a later point of the
    same day wins (the frozen figures over that morning's daily snapshot)."""
    by_day = {day: (ev, pv, other) for day, ev, pv, other in points if day >= 0}
    last = max([window_days, today, *by_day])
    days = list(range(last + 1))
    return BurnupSeries(
        days=days,
        ev=[by_day[d][0] if d in by_day else None for d in days],
        pv=[by_day[d][1] if d in by_day else None for d in days],
        comparison=[by_day[d][2] if d in by_day else None for d in days]
        if with_comparison
        else None,
        today=today,
    )


@dataclass(frozen=True)
class Delta:
    """One figure now and in the previous report."""

    label: str
    before: str
    after: str
    change: str


def fraction_delta(label: str, before: float | None, after: float | None) -> Delta:
    return Delta(label, pct(before), pct(after), points(before, after))


def spi_delta(before: float | None, after: float | None) -> Delta:
    change = "—" if before is None or after is None else f"{after - before:+.2f}"
    return Delta("Schedule performance index (SPI)", spi(before), spi(after), change)


def count_delta(label: str, before: int, after: int) -> Delta:
    return Delta(label, str(before), str(after), f"{after - before:+d}")


def pct(value: float | None) -> str:
    """0.4235 → "42.4%" (one decimal everywhere in the reports; None → "—")."""
    return "—" if value is None else f"{value * 100:.1f}%"


def spi(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def points(before: float | None, after: float | None) -> str:
    """The change between two fractions in percentage points: "+3.2 pts"."""
    if before is None or after is None:
        return "—"
    return f"{(after - before) * 100:+.1f} pts"


def milestone_legend() -> list:
    return list(MILESTONE_STATES.values())
