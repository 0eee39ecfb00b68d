"""Test worlds for the CISO's workflow: a directive whose clock reads "day N" today, two
agencies with their CISOs, oversight and leadership. Shared by the tracking, accounts and
browser tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.directives.models import Directive, Milestone, Task
from apps.tracking.models import AgencyTask
from tests.accounts.factories import CisoFactory, LeadershipFactory, OversightFactory
from tests.agencies.factories import AgencyFactory
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory

NEW_YORK = ZoneInfo("America/New_York")
MILESTONE_DAYS = (7, 14, 21, 30)


def issued_days_ago(day: int) -> datetime:
    """Midnight in New York `day` local days ago, so the clock reads "Day {day} of 30"."""
    today = timezone.now().astimezone(NEW_YORK).date()
    return datetime.combine(today - timedelta(days=day), time(0, 0), tzinfo=NEW_YORK).astimezone(
        UTC
    )


def directive_at_day(day: int = 12, *, tasks: int = 4, derived: bool = False) -> Directive:
    """A directive on day `day` with milestones on days 7/14/21/30 and `tasks` manual tasks
    spread over them (task i under milestone i mod 4); with `derived`, one more task measured
    from tool coverage under the day-30 milestone."""
    directive = DirectiveFactory(issued_at=issued_days_ago(day))
    milestones = [
        MilestoneFactory(directive=directive, code=f"M{i + 1}", day_offset=d, title=f"Day {d}")
        for i, d in enumerate(MILESTONE_DAYS)
    ]
    for i in range(tasks):
        TaskFactory(
            directive=directive,
            milestone=milestones[i % len(milestones)],
            code=f"T{i + 1:02d}",
            title=f"Harden system {i + 1}",
        )
    if derived:
        TaskFactory(
            directive=directive,
            milestone=milestones[-1],
            code="T99",
            title="Reach 80% coverage with AI-enabled EDR",
            measure=Task.Measure.TOOL_COVERAGE,
            coverage_target="0.800",
            coverage_category="edr",
            evidence_required=False,
        )
    return directive


def assign(directive: Directive, agency: Agency) -> list[AgencyTask]:
    rows = [AgencyTask(agency=agency, task=t) for t in directive.tasks.order_by("code")]
    return AgencyTask.objects.bulk_create(rows)


@dataclass
class World:
    directive: Directive
    agency: Agency
    ciso: User
    other_agency: Agency
    other_ciso: User
    oversight: User
    leadership: User

    def task(self, code: str, agency: Agency | None = None) -> AgencyTask:
        return AgencyTask.objects.select_related("task", "agency").get(
            agency=agency or self.agency, task__code=code
        )

    @property
    def milestones(self) -> list[Milestone]:
        return list(self.directive.milestones.order_by("day_offset"))


def build_world(*, day: int = 12, tasks: int = 4, derived: bool = False) -> World:
    directive = directive_at_day(day, tasks=tasks, derived=derived)
    agency = AgencyFactory(name="Agency of Examples", abbreviation="AOE")
    other = AgencyFactory(name="Other Agency", abbreviation="OA")
    assign(directive, agency)
    assign(directive, other)
    return World(
        directive=directive,
        agency=agency,
        ciso=CisoFactory(agency=agency, username="ciso-a", first_name="Casey", last_name="Ng"),
        other_agency=other,
        other_ciso=CisoFactory(agency=other, username="ciso-b"),
        oversight=OversightFactory(username="oversight", first_name="Olive", last_name="Park"),
        leadership=LeadershipFactory(username="leader"),
    )


def put_in(agency_task: AgencyTask, status: str, *, reviewer: User | None = None, **extra):
    """Force a task into `status` with the fields its constraints ask for (test set-up
    only; the product moves tasks through the services)."""
    now = timezone.now()
    S = AgencyTask.Status
    values = {
        "status": status,
        "percent": 0 if status == S.NOT_STARTED else 40,
        "blocked_reason": "Waiting on the vendor." if status == S.BLOCKED else "",
        "na_justification": "We run no such system." if status == S.NOT_APPLICABLE else "",
        "completed_at": now - timedelta(hours=1) if status in AgencyTask.DONE_STATUSES else None,
        "verified_at": now if status == S.VERIFIED else None,
        "verified_by": reviewer if status == S.VERIFIED else None,
    }
    if status in AgencyTask.DONE_STATUSES:
        values["percent"] = 100
    values.update(extra)
    AgencyTask.objects.filter(pk=agency_task.pk).update(**values)
    agency_task.refresh_from_db()
    return agency_task
