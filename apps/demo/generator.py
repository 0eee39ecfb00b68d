"""Deterministic, realistic progress for demo and benchmark agencies.

Each agency draws a profile (ahead, on track, behind, struggling) from a seeded generator
keyed by the agency's name, so the same seed always gives the same picture, and a second run
over the same agencies writes nothing new."""

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apps.directives.selectors import Schedule
from apps.readiness.clock import planned_fraction

BLOCKERS = (
    "Waiting on the hosting provider to schedule the maintenance window.",
    "Contract modification for the tool licences is still in review.",
    "Legacy mission system cannot take the agent until the vendor certifies it.",
    "Staff on the incident response team are deployed to an active incident.",
    "Change advisory board has not approved the configuration change.",
)
NA_REASONS = (
    "The agency operates no email domains of its own; mail is provided by the parent department.",
    "No internet-facing systems are operated by this bureau; all are hosted by the department.",
)
EXTENSION_REASONS = (
    "Hardware replacement for end-of-life edge devices arrives after the milestone.",
    "Restore testing needs a second maintenance window the mission owner has not granted.",
)


@dataclass(frozen=True)
class Profile:
    name: str
    share: float  # of agencies
    pace: float  # progress relative to plan
    finish_passed: float  # chance a task of a passed milestone is done
    blocked: float  # chance an open task is blocked
    coverage: float  # share of endpoints under AI-enabled EDR
    assessed: float  # share of KEV entries assessed
    noise: float  # spread of progress around the profile's pace


PROFILES = (
    Profile("ahead", 0.22, 1.5, 0.995, 0.0, 0.9, 1.0, 0.03),
    Profile("on_track", 0.35, 1.05, 0.985, 0.03, 0.65, 0.97, 0.08),
    Profile("behind", 0.27, 0.7, 0.8, 0.1, 0.4, 0.8, 0.12),
    Profile("struggling", 0.16, 0.4, 0.5, 0.25, 0.15, 0.5, 0.15),
)


def agency_rng(seed: int, name: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def pick_profile(rng: random.Random) -> Profile:
    roll, total = rng.random(), 0.0
    for profile in PROFILES:
        total += profile.share
        if roll < total:
            return profile
    return PROFILES[-1]


def endpoint_count(rng: random.Random, *, cfo_act: bool) -> int:
    return rng.randint(1500, 40000) if cfo_act else rng.randint(60, 3000)


@dataclass
class TaskPlan:
    """What the generator decided for one manual AgencyTask."""

    status: str
    percent: int
    completed_at: datetime | None = None
    verified: bool = False
    blocked_reason: str = ""
    na_justification: str = ""
    na_accepted: bool = False
    extension: str = ""  # "", "pending" or "approved"


@dataclass(frozen=True)
class DirectiveShape:
    issued_at: datetime
    tz: ZoneInfo
    windows: dict[int, tuple[datetime, datetime]]  # day offset -> (start, due)

    @classmethod
    def of(cls, schedule: Schedule) -> "DirectiveShape":
        """The directive's milestone windows as the engine computes them, keyed by day offset
        (the generator plans by offset, the schedule keys by milestone id)."""
        windows = {schedule.offsets[pk]: span for pk, span in schedule.windows.items()}
        return cls(issued_at=schedule.issued_at, tz=schedule.tz, windows=windows)


def plan_task(
    rng: random.Random, profile: Profile, *, offset: int, shape: DirectiveShape, now: datetime
) -> TaskPlan:
    start, due = shape.windows[offset]
    planned = planned_fraction(now, start, due)
    if rng.random() < 0.01:
        return TaskPlan(
            status="not_applicable",
            percent=0,
            na_justification=rng.choice(NA_REASONS),
            na_accepted=rng.random() < 0.6,
        )
    passed = now > due
    chance = profile.finish_passed if passed else min(0.9, planned * profile.pace) * 0.5
    if planned > 0 and rng.random() < chance:
        latest = min(now, due + timedelta(days=2)) if rng.random() < 0.15 else min(now, due)
        earliest = start + (latest - start) * 0.3
        completed = earliest + (latest - earliest) * rng.random()
        verified = (now - completed) > timedelta(days=2) and rng.random() < 0.5
        return TaskPlan(
            status="verified" if verified else "completed",
            percent=100,
            completed_at=completed,
            verified=verified,
        )
    percent = int(max(0.0, min(0.95, planned * profile.pace + rng.gauss(0, profile.noise))) * 100)
    if planned == 0 and rng.random() < 0.8:
        percent = 0
    plan = TaskPlan(status="in_progress" if percent > 0 else "not_started", percent=percent)
    if percent > 0 and rng.random() < profile.blocked:
        plan.status, plan.blocked_reason = "blocked", rng.choice(BLOCKERS)
    if passed and rng.random() < 0.3:
        plan.extension = "approved" if rng.random() < 0.5 else "pending"
    return plan


@dataclass(frozen=True)
class DeploymentPlan:
    tool_name: str
    stage: str
    endpoints: int
    operational_since: datetime | None


def plan_deployments(
    rng: random.Random, profile: Profile, *, endpoints: int, tools: dict[str, list[str]],
    shape: DirectiveShape, now: datetime,
) -> list[DeploymentPlan]:  # fmt: skip
    """AI-enabled EDR and SIEM/UEBA at the profile's coverage (some still rolling out), and
    the conventional antivirus most agencies still run beside them."""
    plans = []
    for category, scale in (("edr", 1.0), ("siem_ueba", 0.9), ("email_security", 1.0)):
        names = tools.get(category, [])
        if not names:
            continue
        share = max(0.0, min(1.0, profile.coverage * scale + rng.gauss(0, 0.1)))
        live = int(endpoints * share)
        since = shape.issued_at - timedelta(days=30) + (now - shape.issued_at) * rng.random()
        plans.append(DeploymentPlan(names[0], "operational", live, since))
        if share < 0.9:
            plans.append(DeploymentPlan(names[0], "deploying", int(endpoints * 0.1), None))
    # The other AI-enabled categories: an agency further along has more of them live.
    for category in ("ndr", "soar", "itdr", "vuln_management", "web_protection", "cloud_security"):
        names = tools.get(category, [])
        if names and rng.random() < profile.coverage + 0.1:
            stage = "operational" if rng.random() < profile.coverage + 0.2 else "piloting"
            since = (
                shape.issued_at - timedelta(days=60) * rng.random()
                if stage == "operational"
                else None
            )
            plans.append(DeploymentPlan(names[0], stage, int(endpoints * rng.random()), since))
    for name in tools.get("conventional", [])[:1]:
        plans.append(
            DeploymentPlan(name, "operational", endpoints, shape.issued_at - timedelta(days=900))
        )
    return plans


REMEDIATION_MIX = (("not_affected", 0.8), ("remediated", 0.15), ("mitigated", 0.04))


def plan_remediation(
    rng: random.Random, profile: Profile, *, due_date: date, date_added: date, today: date,
    assess_all: bool,
) -> tuple[str, date | None] | None:  # fmt: skip
    """One KEV entry at one agency: None (not assessed) or (status, resolved_on)."""
    if not assess_all and rng.random() >= profile.assessed:
        return None
    # Agencies further behind leave more of the entries that affect them still open.
    roll, total = rng.random() * (1 + 0.1 * (1 - profile.assessed)), 0.0
    for status, share in REMEDIATION_MIX:
        total += share
        if roll < total:
            if status == "not_affected":
                return status, None
            span = max(0, (min(today, due_date + timedelta(days=30)) - date_added).days)
            return status, min(today, date_added + timedelta(days=int(span * rng.random())))
    return "affected", None
