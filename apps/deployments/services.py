"""Writes of the tool catalog, agencies' tool deployments and the endpoint count that coverage
is measured against. Every change is audited in its own transaction (STYLE rule 4) and the
agency's readiness figures are refreshed once it has committed."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.agencies.permissions import require_agency_editor
from apps.agencies.selectors import agency_lock
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, changes_between, snapshot
from apps.core.dates import EARLIEST_DATE, date_text
from apps.core.errors import DomainError, StaleVersion
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.readiness.services import agency_figures_refresh_on_commit

# What the audit log records of a deployment (tool_id, not tool: no query per snapshot).
DEPLOYMENT_AUDITED = (
    "tool_id",
    "stage",
    "endpoints_covered",
    "go_live_date",
    "operational_since",
    "product_notes",
)
# Far above any agency's fleet; stops a typo (an extra zero or two) from passing silently.
MAX_ENDPOINT_COUNT = 5_000_000
# A planned go-live further out than this is no plan for a 30-day directive (and a typo such
# as year 9999 is refused rather than stored).
GO_LIVE_MAX_DAYS_AHEAD = 365


@transaction.atomic
def defense_tool_catalog_load(*, entries: list[dict]) -> int:
    """Create or update catalog entries by name (idempotent); returns how many changed."""
    changed = 0
    for entry in entries:
        values = {
            "vendor": entry.get("vendor", ""),
            "category": entry["category"],
            "ai_enabled": entry["ai_enabled"],
            "description": entry.get("description", ""),
        }
        tool, created = DefenseTool.objects.get_or_create(name=entry["name"], defaults=values)
        if created:
            changed += 1
            continue
        diff = [k for k, v in values.items() if getattr(tool, k) != v]
        if diff:
            for k in diff:
                setattr(tool, k, values[k])
            tool.save(update_fields=[*diff, "updated_at"])
            changed += 1
    return changed


def _validate(
    *,
    agency: Agency,
    stage: str,
    endpoints_covered: int,
    go_live_date: date | None,
    today: date,
) -> None:
    if stage not in ToolDeployment.Stage.values:
        allowed = ", ".join(ToolDeployment.Stage.labels)
        raise DomainError(f"Unknown stage {stage!r}; choose one of {allowed}.", field="stage")
    if endpoints_covered < 0:
        raise DomainError("Endpoints covered cannot be negative.", field="endpoints_covered")
    if endpoints_covered > agency.endpoint_count:
        raise DomainError(
            f"Endpoints covered ({endpoints_covered:,}) exceeds the agency's endpoint count "
            f"({agency.endpoint_count:,}). Enter at most {agency.endpoint_count:,}, or correct "
            "the agency's endpoint count first if it is out of date.",
            field="endpoints_covered",
        )
    if go_live_date is not None:
        latest = today + timedelta(days=GO_LIVE_MAX_DAYS_AHEAD)
        if not EARLIEST_DATE <= go_live_date <= latest:
            raise DomainError(
                f"Enter a go-live date between {date_text(EARLIEST_DATE)} and "
                f"{date_text(latest)} (at most a year ahead).",
                field="go_live_date",
            )
    if stage == ToolDeployment.Stage.OPERATIONAL:
        # Coverage counts from the day a tool is live, so an operational one needs that day.
        if go_live_date is None:
            raise DomainError(
                "An operational deployment needs its go-live date.", field="go_live_date"
            )
        if go_live_date > today:
            raise DomainError(
                f"The go-live date {date_format(go_live_date, 'M j, Y')} is in the future; a "
                "deployment becomes operational once it has gone live. Keep it at Deploying "
                "until then.",
                field="go_live_date",
            )


def _today(now: datetime) -> date:
    # Dates are typed and shown in the portal's display zone (PORTAL_DISPLAY_TIME_ZONE).
    return timezone.localdate(now)


@transaction.atomic
def deployment_create(
    *,
    agency: Agency,
    actor: User,
    tool: DefenseTool,
    stage: str,
    endpoints_covered: int,
    go_live_date: date | None = None,
    product_notes: str = "",
    now: datetime | None = None,
) -> ToolDeployment:
    """Record a new deployment of a catalog tool at the agency (its CISO only).

    Endpoints covered must lie within the agency's endpoint count; an operational deployment
    needs a go-live date not in the future, and counts toward coverage from now on."""
    now = now or timezone.now()
    require_agency_editor(user=actor, agency_id=agency.pk)
    # Deployments and the endpoint count are checked against each other (covered <= count),
    # so every write of either locks the agency row first, always in that order.
    agency = agency_lock(agency_id=agency.pk)
    _validate(
        agency=agency,
        stage=stage,
        endpoints_covered=endpoints_covered,
        go_live_date=go_live_date,
        today=_today(now),
    )
    deployment = ToolDeployment.objects.create(
        agency=agency,
        tool=tool,
        stage=stage,
        endpoints_covered=endpoints_covered,
        go_live_date=go_live_date,
        operational_since=now if stage == ToolDeployment.Stage.OPERATIONAL else None,
        product_notes=product_notes.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=deployment,
        agency_id=agency.pk,
        changes=changes_between({}, snapshot(deployment, DEPLOYMENT_AUDITED)),
    )
    agency_figures_refresh_on_commit(agency_id=agency.pk)
    return deployment


@transaction.atomic
def deployment_update(
    *,
    deployment: ToolDeployment,
    actor: User,
    version: int,
    tool: DefenseTool,
    stage: str,
    endpoints_covered: int,
    go_live_date: date | None,
    product_notes: str = "",
    now: datetime | None = None,
) -> ToolDeployment:
    """Change a deployment read at `version` (its agency's CISO only).

    Raises StaleVersion, changing nothing, if anyone saved it since that version. Becoming
    operational sets operational_since to now (coverage counts from then); leaving
    operational clears it; staying operational keeps it. A save that changes nothing
    writes nothing."""
    now = now or timezone.now()
    require_agency_editor(user=actor, agency_id=deployment.agency_id)
    agency = agency_lock(agency_id=deployment.agency_id)  # then the deployment, as above
    current = ToolDeployment.objects.select_for_update().get(pk=deployment.pk)
    if current.version != version:
        raise StaleVersion(
            "Someone saved this deployment after you opened it, so your changes were not "
            "saved. The current values are shown; apply your change again if it still holds.",
            current_version=current.version,
        )
    _validate(
        agency=agency,
        stage=stage,
        endpoints_covered=endpoints_covered,
        go_live_date=go_live_date,
        today=_today(now),
    )
    before = snapshot(current, DEPLOYMENT_AUDITED)
    if stage != ToolDeployment.Stage.OPERATIONAL:
        operational_since = None
    elif current.stage != ToolDeployment.Stage.OPERATIONAL:
        operational_since = now
    else:
        operational_since = current.operational_since
    current.tool = tool
    current.stage = stage
    current.endpoints_covered = endpoints_covered
    current.go_live_date = go_live_date
    current.operational_since = operational_since
    current.product_notes = product_notes.strip()
    changes = changes_between(before, snapshot(current, DEPLOYMENT_AUDITED))
    if not changes:
        return current
    current.version += 1
    fields = [f.removesuffix("_id") for f in changes]  # tool_id is saved as "tool"
    current.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS if "stage" in changes else AuditEvent.Action.UPDATE,
        instance=current,
        agency_id=agency.pk,
        changes=changes,
    )
    agency_figures_refresh_on_commit(agency_id=agency.pk)
    return current


@transaction.atomic
def agency_endpoints_update(
    *,
    agency: Agency,
    actor: User,
    endpoint_count: int,
    expected_count: int | None = None,
    reason: str = "",
) -> Agency:
    """Correct the agency's endpoint count, the denominator of every coverage task (its
    CISO only; audited with the reason given).

    `expected_count` is the count the form showed: if it has changed since, nothing is saved
    (no lost update). The count may not fall below any deployment's endpoints covered."""
    require_agency_editor(user=actor, agency_id=agency.pk)
    locked = agency_lock(agency_id=agency.pk)
    if expected_count is not None and locked.endpoint_count != expected_count:
        raise DomainError(
            f"Someone changed the endpoint count to {locked.endpoint_count:,} after you opened "
            "this page, so your change was not saved. Check the current count and try again.",
            field="endpoint_count",
        )
    if not 0 <= endpoint_count <= MAX_ENDPOINT_COUNT:
        raise DomainError(
            f"Enter an endpoint count between 0 and {MAX_ENDPOINT_COUNT:,}.",
            field="endpoint_count",
        )
    over = list(
        ToolDeployment.objects.filter(agency=locked, endpoints_covered__gt=endpoint_count)
        .select_related("tool")
        .order_by("-endpoints_covered")[:3]
    )
    if over:
        names = "; ".join(f"{d.tool.name} ({d.endpoints_covered:,})" for d in over)
        raise DomainError(
            f"Some deployments cover more than {endpoint_count:,} endpoints: {names}. "
            "Correct those deployments first.",
            field="endpoint_count",
        )
    if locked.endpoint_count == endpoint_count:
        return locked
    before = snapshot(locked, ["endpoint_count"])
    locked.endpoint_count = endpoint_count
    locked.save(update_fields=["endpoint_count", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=locked,
        agency_id=locked.pk,
        changes=changes_between(before, snapshot(locked, ["endpoint_count"])),
        comment=reason.strip(),
    )
    agency_figures_refresh_on_commit(agency_id=locked.pk)
    return locked
