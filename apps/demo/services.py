"""Demo data (seed_demo) and benchmark scale data (load_fleet)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import ExpressionWrapper, F
from django.utils import timezone

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.selectors import reporting_units
from apps.agencies.services import agency_records_from_fixtures, agency_reference_load
from apps.clearinghouse.models import FeedImport, Remediation, Vulnerability
from apps.clearinghouse.services import kev_import
from apps.core.bulk import bulk_insert
from apps.core.fixtures import fixture_path, read_fixture
from apps.demo.generator import (
    EXTENSION_REASONS,
    DirectiveShape,
    agency_rng,
    endpoint_count,
    pick_profile,
    plan_deployments,
    plan_remediation,
    plan_task,
)
from apps.demo.history import demo_history_backfill
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.deployments.services import defense_tool_catalog_load
from apps.directives.models import Directive, Task
from apps.directives.selectors import directive_schedule
from apps.directives.services import directive_load, directive_reissue
from apps.readiness.clock import local_date
from apps.readiness.models import ReadinessRun
from apps.readiness.services import readiness_recompute
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest
from apps.tracking.services import agency_tasks_assign

DIRECTIVE_FILE = "directive_30day.json"
DEMO_PASSWORD = "ready-in-30-demo"
DEMO_CISO_AGENCIES = (
    # (username, agency name, parent name or "")
    ("ciso", "Cybersecurity and Infrastructure Security Agency", "Department of Homeland Security"),
    ("ciso-nasa", "National Aeronautics and Space Administration", ""),
    ("ciso-faa", "Federal Aviation Administration", "Department of Transportation"),
    ("ciso-ssa", "Social Security Administration", ""),
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    agency: str


def load_reference_data() -> Directive:
    """Agencies, the tool catalog, the directive and the KEV catalog (each idempotent)."""
    agency_reference_load(records=agency_records_from_fixtures())
    return load_directive_and_catalogs()


def load_directive_and_catalogs() -> Directive:
    defense_tool_catalog_load(entries=json.loads(read_fixture("defense_tools.json")))
    directive = directive_load(spec=json.loads(read_fixture(DIRECTIVE_FILE)))
    kev_path = str(fixture_path("known_exploited_vulnerabilities.json"))
    if not FeedImport.objects.filter(source=kev_path, status=FeedImport.Status.SUCCEEDED).exists():
        kev_import(source=kev_path)
    return directive


def _shift_demo_dates(directive: Directive, delta: timedelta) -> None:
    """Move every recorded demo date with the clock, so a re-issued demo stays coherent: one
    UPDATE per table, whatever the number of rows (an empty date stays empty)."""
    AgencyTask.objects.filter(task__directive=directive).update(
        **_shifted(
            AgencyTask,
            ("completed_at", "verified_at", "na_accepted_at", "returned_at", "extended_due"),
            delta,
        )
    )
    ExtensionRequest.objects.filter(agency_task__task__directive=directive).update(
        **_shifted(ExtensionRequest, ("requested_due", "decided_at"), delta)
    )
    ToolDeployment.objects.update(
        **_shifted(ToolDeployment, ("operational_since", "go_live_date"), delta)
    )


def _shifted(model, names: Sequence[str], delta: timedelta) -> dict[str, ExpressionWrapper]:
    # Typed as the column itself: a date plus a duration is a timestamp to Django (and to
    # PostgreSQL), but on SQLite only a date-typed expression is written back as a date.
    return {
        name: ExpressionWrapper(F(name) + delta, output_field=type(model._meta.get_field(name))())
        for name in names
    }


# The two-minute tour the README suggests: a CISO's agency page, oversight's queues, then
# leadership's dashboards.
TOUR = ("ciso", "oversight", "leadership")


def seed_summary(result: dict, *, seconds: float) -> str:
    """What a `seed_demo` run did, in one line."""
    directive = result["directive"]
    return (
        f"Directive {directive.code} issued {directive.issued_at:%Y-%m-%d}; "
        f"{result['agencies']} reporting agencies; new rows: {result['tasks']} tasks, "
        f"{result['deployments']} deployments, {result['remediations']} remediation records "
        f"({seconds:.1f} s)."
    )


def login_lines(logins: Sequence[Login]) -> list[str]:
    """The demo logins as `seed_demo` and `make run` print them, the tour first."""
    first = {name: i for i, name in enumerate(TOUR)}
    ordered = sorted(logins, key=lambda login: first.get(login.username, len(TOUR)))
    lines = [f"Demo logins (local demo only), password {DEMO_PASSWORD} for each:"]
    for login in ordered:
        agency = f" · {login.agency}" if login.agency else ""
        hint = "   <- start here" if login.username == TOUR[0] else ""
        lines.append(f"  {login.username:<11} {login.role}{agency}{hint}")
    return lines


def demo_users(directive: Directive) -> list[Login]:
    """One user per role, and CISOs for a few well-known agencies (password set once)."""
    logins = []

    def ensure(username: str, role: str, agency: Agency | None, label: str = "", **extra) -> None:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "agency": agency,
                "email": f"{username}@portal.example",
                **extra,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        label = label or user.get_role_display()
        logins.append(Login(username, DEMO_PASSWORD, label, str(agency or "")))

    ensure("oversight", User.Role.OVERSIGHT, None, first_name="Olivia", last_name="Oversight")
    ensure("leadership", User.Role.LEADERSHIP, None, first_name="Lee", last_name="Leadership")
    for username, name, parent in DEMO_CISO_AGENCIES:
        agency = Agency.objects.filter(name=name, parent__name=parent or None).first()
        if agency is None:
            agency = Agency.objects.filter(name=name).first()
        if agency is not None:
            ensure(username, User.Role.AGENCY_CISO, agency, first_name="Casey", last_name="CISO")
    # Reads the portal as leadership does; the login is for the Django admin.
    ensure(
        "admin", User.Role.LEADERSHIP, None, label="Django admin (operator) at /admin/",
        is_staff=True, is_superuser=True, first_name="Ada",
    )  # fmt: skip
    return logins


@transaction.atomic
def seed_demo(*, day: int, seed: int, explicit_day: bool, now: datetime | None = None) -> dict:
    """Load reference data, set the clock to day `day`, create demo users, and give every
    agency that has no tasks yet its seeded progress. Idempotent."""
    now = now or timezone.now()
    directive = load_reference_data()
    tz = directive_tz(directive)
    wanted = local_date(now, tz) - timedelta(days=day)
    current = local_date(directive.issued_at, tz)
    fresh = not AgencyTask.objects.filter(task__directive=directive).exists()
    reissued = current != wanted and (fresh or explicit_day)
    if reissued:
        directive_reissue(directive=directive, issued_on=wanted)
        if not fresh:
            _shift_demo_dates(directive, wanted - current)
    logins = demo_users(directive)
    oversight = User.objects.get(username="oversight")
    units = list(reporting_units().filter(is_synthetic=False).order_by("pk"))
    created = apply_progress(
        directive=directive, agencies=units, seed=seed, now=now, reviewer=oversight,
        assess_all=False,
    )  # fmt: skip
    if created["remediations"]:
        analyze_tables()
    history = 0
    if reissued or any(created.values()):
        # Figures for the new demo at once; a second run with nothing new changes nothing.
        if reissued and not fresh:
            ReadinessRun.objects.filter(directive=directive, kind=ReadinessRun.Kind.DAILY).delete()
        readiness_recompute(directive=directive, now=now)
        history = demo_history_backfill(directive=directive, now=now)
    return {
        "directive": directive, "logins": logins, "agencies": len(units), "history": history,
        **created,
    }  # fmt: skip


def directive_tz(directive: Directive):
    from zoneinfo import ZoneInfo

    return ZoneInfo(directive.time_zone)


def apply_progress(
    *, directive: Directive, agencies: Sequence[Agency], seed: int, now: datetime,
    reviewer: User, assess_all: bool,
) -> dict:  # fmt: skip
    """Seeded progress for every agency in `agencies` that has no task of the directive yet;
    agencies that already have tasks are left exactly as they are."""
    started = set(
        AgencyTask.objects.filter(task__directive=directive, agency__in=agencies)
        .values_list("agency_id", flat=True)
        .distinct()
    )
    todo = [a for a in agencies if a.pk not in started]
    if not todo:
        return {"tasks": 0, "deployments": 0, "remediations": 0}
    shape = DirectiveShape.of(directive_schedule(directive=directive))
    tasks = list(
        directive.tasks.select_related("milestone").order_by("milestone__day_offset", "code")
    )
    tools = _tool_names()
    vulns = list(Vulnerability.objects.order_by("pk").values_list("pk", "due_date", "date_added"))
    today = local_date(now, shape.tz)
    counts = {"tasks": 0, "deployments": 0, "remediations": 0}
    task_rows, evidence_plans, extension_plans, deployment_rows, remediation_rows = (
        [],
        [],
        [],
        [],
        [],
    )
    counted: list[Agency] = []  # agencies given an endpoint count, saved in one query
    for agency in todo:
        rng = agency_rng(seed, agency.name)
        profile = pick_profile(rng)
        if not agency.endpoint_count:
            agency.endpoint_count = endpoint_count(rng, cfo_act=agency.tier == Agency.Tier.CFO_ACT)
            counted.append(agency)
        for task in tasks:
            if task.measure != Task.Measure.MANUAL:
                task_rows.append(_task_row(agency, task, None, now, reviewer))
                continue
            plan = plan_task(rng, profile, offset=task.milestone.day_offset, shape=shape, now=now)
            if plan.extension == "approved":
                plan_due = local_date(shape.windows[task.milestone.day_offset][1], shape.tz)
                plan.extension = str(plan_due + timedelta(days=rng.randint(5, 12)))
            task_rows.append(_task_row(agency, task, plan, now, reviewer))
            if plan.completed_at and task.evidence_required:
                evidence_plans.append((agency.pk, task, plan.completed_at))
            if plan.extension:
                extension_plans.append(
                    (agency.pk, task, plan.extension, rng.choice(EXTENSION_REASONS))
                )
        for d in plan_deployments(
            rng, profile, endpoints=agency.endpoint_count, tools=tools, shape=shape, now=now
        ):
            deployment_rows.append(_deployment_row(agency, d, tools["ids"], now, shape))
        for vuln_id, due_date, date_added in vulns:
            planned = plan_remediation(
                rng, profile, due_date=due_date, date_added=date_added, today=today,
                assess_all=assess_all,
            )  # fmt: skip
            if planned is not None:
                remediation_rows.append(
                    (agency.pk, vuln_id, planned[0], now, planned[1], None, "", now, now)
                )
    Agency.objects.bulk_update(counted, ["endpoint_count"], batch_size=1000)
    counts["tasks"] = bulk_insert(AgencyTask, AGENCY_TASK_FIELDS, task_rows)
    ids = {
        (a, t): pk
        for a, t, pk in AgencyTask.objects.filter(
            task__directive=directive, agency_id__in=[a.pk for a in todo]
        ).values_list("agency_id", "task_id", "pk")
    }
    _insert_evidence(evidence_plans, ids, reviewer)
    _insert_extensions(extension_plans, ids, reviewer, now)
    counts["deployments"] = bulk_insert(ToolDeployment, DEPLOYMENT_FIELDS, deployment_rows)
    counts["remediations"] = bulk_insert(
        Remediation,
        ("agency", "vulnerability", "status", "assessed_at", "resolved_on", "assessed_by", "note",
         "created_at", "updated_at"),
        remediation_rows,
    )  # fmt: skip
    agency_tasks_assign(directive=directive, agency_ids=[a.pk for a in todo])
    return counts


AGENCY_TASK_FIELDS = (
    "agency", "task", "status", "percent", "owner", "notes", "blocked_reason",
    "na_justification", "na_accepted_at", "na_accepted_by", "extended_due", "completed_at",
    "verified_at", "verified_by", "returned_at", "return_comment", "version", "created_at",
    "updated_at",
)  # fmt: skip


def _task_row(agency, task, plan, now, reviewer) -> tuple:
    if plan is None:
        return (agency.pk, task.pk, "not_started", 0, "", "", "", "", None, None, None, None,
                None, None, None, "", 1, now, now)  # fmt: skip
    extended = None
    if plan.extension and plan.extension != "pending":
        from datetime import date

        extended = date.fromisoformat(plan.extension)
    verified_at = plan.completed_at + timedelta(days=1) if plan.verified else None
    return (
        agency.pk, task.pk, plan.status, plan.percent, "", "", plan.blocked_reason,
        plan.na_justification,
        now if plan.na_accepted else None, reviewer.pk if plan.na_accepted else None,
        extended, plan.completed_at, verified_at, reviewer.pk if plan.verified else None,
        None, "", 1, now, now,
    )  # fmt: skip


def _insert_evidence(plans, ids, reviewer) -> None:
    rows = [
        Evidence(
            agency_task_id=ids[(agency_id, task.pk)],
            kind=Evidence.Kind.LINK,
            url=f"https://records.agency.example/directive/{task.code.lower()}/{agency_id}",
            description=f"Record supporting {task.code}",
            uploaded_by=reviewer,
        )
        for agency_id, task, _ in plans
    ]
    Evidence.objects.bulk_create(rows, batch_size=2000)


def _insert_extensions(plans, ids, reviewer, now) -> None:
    from datetime import date

    rows = []
    for agency_id, task, extension, reason in plans:
        pending = extension == "pending"
        requested = (
            date.fromisoformat(extension) if not pending else local_date(now) + timedelta(days=7)
        )
        rows.append(
            ExtensionRequest(
                agency_task_id=ids[(agency_id, task.pk)],
                requested_due=requested,
                justification=reason,
                status=ExtensionRequest.Status.PENDING
                if pending
                else ExtensionRequest.Status.APPROVED,
                requested_by=reviewer,
                decided_by=None if pending else reviewer,
                decided_at=None if pending else now,
                decision_comment="" if pending else "Approved: justification accepted.",
            )
        )
    ExtensionRequest.objects.bulk_create(rows, batch_size=2000)


DEPLOYMENT_FIELDS = (
    "agency", "tool", "stage", "endpoints_covered", "go_live_date", "operational_since",
    "product_notes", "version", "created_at", "updated_at",
)  # fmt: skip


def _deployment_row(agency, plan, tool_ids, now, shape) -> tuple:
    since = plan.operational_since
    return (
        agency.pk, tool_ids[plan.tool_name], plan.stage, plan.endpoints,
        local_date(since, shape.tz) if since else None, since, "", 1, now, now,
    )  # fmt: skip


def _tool_names() -> dict:
    tools: dict = {"ids": {}}
    for tool in DefenseTool.objects.order_by("name"):
        tools["ids"][tool.name] = tool.pk
        key = tool.category if tool.ai_enabled else "conventional"
        if key == "conventional" and tool.category != "edr":
            continue
        tools.setdefault(key, []).append(tool.name)
    return tools


@transaction.atomic
def load_fleet(*, agencies: int, seed: int, now: datetime | None = None) -> dict:
    """Synthetic scale data for benchmarks: `agencies` reporting units (bureaus of synthetic
    departments and independent agencies) with every task assigned and seeded progress,
    deployments, and a remediation record for every KEV entry at every agency. Replaces the
    synthetic agencies of an earlier run; real reference agencies are not touched."""
    now = now or timezone.now()
    directive = load_directive_and_catalogs()
    Agency.objects.filter(is_synthetic=True, kind=Agency.Kind.BUREAU).delete()
    Agency.objects.filter(is_synthetic=True).delete()
    demo_users(directive)
    reviewer = User.objects.get(username="oversight")
    bureaus_per_department = 15
    departments = max(1, agencies // (bureaus_per_department * 2))
    units: list[Agency] = []
    for d in range(departments):
        tier = Agency.Tier.CFO_ACT if d < 24 else Agency.Tier.OTHER
        department = Agency.objects.create(
            name=f"Synthetic Department {d + 1:02d}", kind=Agency.Kind.DEPARTMENT, tier=tier,
            is_synthetic=True,
        )  # fmt: skip
        units += [
            Agency(name=f"Synthetic Bureau {d + 1:02d}-{b + 1:02d}", parent=department,
                   kind=Agency.Kind.BUREAU, tier=tier, is_synthetic=True)
            for b in range(bureaus_per_department)
        ]  # fmt: skip
    units = units[:agencies]
    units += [
        Agency(name=f"Synthetic Independent Agency {i + 1:03d}", kind=Agency.Kind.INDEPENDENT,
               tier=Agency.Tier.OTHER, is_synthetic=True)
        for i in range(agencies - len(units))
    ]  # fmt: skip
    Agency.objects.bulk_create(units, batch_size=1000)
    units = list(Agency.objects.filter(is_synthetic=True).exclude(kind=Agency.Kind.DEPARTMENT))
    counts = apply_progress(
        directive=directive, agencies=units, seed=seed, now=now, reviewer=reviewer,
        assess_all=True,
    )  # fmt: skip
    analyze_tables()
    return {"directive": directive, "agencies": len(units), **counts}


def analyze_tables() -> None:
    """Refresh the planner's statistics after a bulk load: without them PostgreSQL takes the
    new tables for empty and picks nested loops over 800,000 rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
