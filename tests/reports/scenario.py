"""A fleet for the report tests: a directive whose clock reads "day 12" today (so the
freeze, which is always "now", falls inside the window whatever the date the tests run),
`n` agencies in three kinds of shape, users of every role, and the records each report
section lists (an extension, evidence, deployments, KEV assessments, history)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.clearinghouse.models import Remediation, Vulnerability
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.directives.models import Directive, Task
from apps.readiness.services import readiness_recompute
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from tests.accounts.factories import CisoFactory, LeadershipFactory, OversightFactory
from tests.agencies.factories import AgencyFactory, BureauFactory, DepartmentFactory
from tests.clearinghouse.factories import VulnerabilityFactory
from tests.deployments.factories import DefenseToolFactory
from tests.directives.factories import DirectiveFactory, MilestoneFactory, TaskFactory

NEW_YORK = ZoneInfo("America/New_York")
DAY = 12


def issued_days_ago(day: int) -> datetime:
    """Midnight in New York `day` local days ago: today is "Day {day} of 30"."""
    today = timezone.now().astimezone(NEW_YORK).date()
    return datetime.combine(today - timedelta(days=day), time(0, 0), tzinfo=NEW_YORK).astimezone(
        UTC
    )


@dataclass
class Fleet:
    directive: Directive
    tasks: dict[str, Task]
    agencies: list[Agency]
    vulns: list[Vulnerability]
    edr: DefenseTool
    oversight: User
    leadership: User
    cisos: dict[int, User] = field(default_factory=dict)

    def agency_task(self, agency: Agency, code: str) -> AgencyTask:
        return AgencyTask.objects.get(agency=agency, task=self.tasks[code])

    def recompute(self) -> None:
        readiness_recompute(directive=self.directive)


def make_directive() -> tuple[Directive, dict[str, Task]]:
    directive = DirectiveFactory(
        code="EO-14444",
        title="Strengthening Federal Cyber Defenses in 30 Days",
        issued_at=issued_days_ago(DAY),
    )
    m = {
        code: MilestoneFactory(directive=directive, code=code, day_offset=day, title=title)
        for code, day, title in (
            ("M1", 7, "Inventory and triage"),
            ("M2", 14, "Patch and detect"),
            ("M3", 21, "AI-enabled defense in operation"),
            ("M4", 30, "Report and sustain"),
        )
    }
    specs = (
        ("T01", "M1", "Complete the asset inventory", 3, {}),
        ("T02", "M1", "Name an incident response lead", 2, {}),
        ("T03", "M2", "Turn on phishing-resistant MFA for administrators", 2, {}),
        ("T04", "M2", "Remediate overdue KEV entries", 4,
         {"measure": Task.Measure.KEV_REMEDIATION, "evidence_required": False}),
        ("T05", "M3", "Cover 80% of endpoints with AI-enabled EDR", 2,
         {"measure": Task.Measure.TOOL_COVERAGE, "coverage_target": Decimal("0.800"),
          "coverage_category": DefenseTool.Category.EDR, "evidence_required": False}),
        ("T06", "M4", "Brief the agency head on residual risk", 1, {}),
    )  # fmt: skip
    tasks = {
        code: TaskFactory(
            directive=directive, milestone=m[ms], code=code, title=title, weight=weight, **extra
        )
        for code, ms, title, weight, extra in specs
    }
    return directive, tasks


# Three shapes of agency, by index mod 3: on track, slipping, and behind with a blocker.
SHAPES = (
    {"T01": ("completed", 100), "T02": ("completed", 100), "T03": ("in_progress", 80)},
    {"T01": ("completed", 100), "T02": ("in_progress", 60), "T03": ("in_progress", 30)},
    {"T01": ("in_progress", 40), "T02": ("not_started", 0), "T03": ("blocked", 10)},
)


def make_fleet(n: int = 3) -> Fleet:
    """`n` agencies (the first a bureau of a department, the rest independent), each with
    every task, shaped by its index; current figures computed."""
    directive, tasks = make_directive()
    now = timezone.now()
    vulns = [
        VulnerabilityFactory(date_added=date(2026, 1, 5), due_date=date(2026, 1, 26 + i))
        for i in range(3)
    ]
    edr = DefenseToolFactory(name="AI endpoint sentinel", category=DefenseTool.Category.EDR)
    department = DepartmentFactory(name="Department of Examples", abbreviation="DOX")
    agencies = []
    for i in range(n):
        if i == 0:
            agency = BureauFactory(
                name="Bureau of Test Records", abbreviation="BTR", parent=department
            )
        else:
            agency = AgencyFactory(name=f"Independent Agency {i:03d}", abbreviation=f"IA{i:03d}")
        agencies.append(agency)
    oversight = OversightFactory(username="oversight-r")
    leadership = LeadershipFactory(username="leadership-r")
    fleet = Fleet(directive, tasks, agencies, vulns, edr, oversight, leadership)

    rows, deployments, remediations = [], [], []
    for i, agency in enumerate(agencies):
        fleet.cisos[agency.pk] = CisoFactory(agency=agency, username=f"ciso-{agency.abbreviation}")
        shape = SHAPES[i % 3]
        for code, task in tasks.items():
            status, percent = shape.get(code, ("not_started", 0))
            rows.append(
                AgencyTask(
                    agency=agency, task=task, status=status, percent=percent,
                    completed_at=now - timedelta(days=6) if status == "completed" else None,
                    blocked_reason="Waiting on the vendor's patch." if status == "blocked" else "",
                    owner=f"Owner {code}",
                )
            )  # fmt: skip
        if i % 3 == 0:
            deployments.append(
                ToolDeployment(
                    agency=agency, tool=edr, stage=ToolDeployment.Stage.OPERATIONAL,
                    endpoints_covered=850, go_live_date=now.date() - timedelta(days=5),
                    operational_since=now - timedelta(days=5),
                )
            )  # fmt: skip
            remediations += [
                Remediation(
                    agency=agency, vulnerability=v, status=Remediation.Status.REMEDIATED,
                    assessed_at=now - timedelta(days=3), resolved_on=now.date() - timedelta(days=3),
                )
                for v in vulns
            ]  # fmt: skip
        else:
            deployments.append(
                ToolDeployment(agency=agency, tool=edr, stage=ToolDeployment.Stage.PILOTING,
                               endpoints_covered=100)
            )  # fmt: skip
            remediations.append(
                Remediation(
                    agency=agency, vulnerability=vulns[0], status=Remediation.Status.AFFECTED,
                    assessed_at=now - timedelta(days=2),
                )
            )  # fmt: skip
    AgencyTask.objects.bulk_create(rows)
    ToolDeployment.objects.bulk_create(deployments)
    Remediation.objects.bulk_create(remediations)
    _records(fleet, now)
    fleet.recompute()
    return fleet


def _records(fleet: Fleet, now: datetime) -> None:
    """An approved extension, evidence and a history entry at the first agency."""
    first = fleet.agencies[0]
    ciso = fleet.cisos[first.pk]
    t03 = fleet.agency_task(first, "T03")
    ExtensionRequest.objects.create(
        agency_task=t03, requested_due=(now + timedelta(days=9)).date(),
        justification="Token shipment for administrators arrives after the milestone.",
        status=ExtensionRequest.Status.APPROVED, requested_by=ciso,
        decided_by=fleet.oversight, decided_at=now - timedelta(days=1),
    )  # fmt: skip
    AgencyTask.objects.filter(pk=t03.pk).update(extended_due=(now + timedelta(days=9)).date())
    t01 = fleet.agency_task(first, "T01")
    Evidence.objects.create(
        agency_task=t01, kind=Evidence.Kind.LINK, url="https://records.btr.example/inventory",
        description="Inventory export", uploaded_by=ciso,
    )  # fmt: skip
    audit_record(
        actor=ciso, action=AuditEvent.Action.STATUS, instance=t01, agency_id=first.pk,
        changes={"status": ["in_progress", "completed"], "percent": [90, 100]},
    )  # fmt: skip
