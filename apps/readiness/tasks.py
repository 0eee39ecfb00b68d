from celery import shared_task

from apps.core.jobs import JOB_OPTIONS
from apps.readiness.models import ReadinessRun
from apps.readiness.services import readiness_recompute


@shared_task(name="readiness.recompute_fleet", **JOB_OPTIONS)
def recompute_fleet() -> dict:
    """Every agency's current figures (every 15 minutes)."""
    result = readiness_recompute()
    return {"agencies": result.fleet.agencies, "derived_changes": result.derived_changes}


@shared_task(name="readiness.daily_snapshot", **JOB_OPTIONS)
def daily_snapshot() -> dict:
    """The day's point of the readiness series (00:05); a rerun replaces that day's point."""
    result = readiness_recompute(keep_as=ReadinessRun.Kind.DAILY)
    return {"run": result.run.pk, "agencies": result.fleet.agencies}


@shared_task(name="readiness.refresh_agency", **JOB_OPTIONS)
def refresh_agency(agency_id: int) -> None:
    """One agency's figures, for changes made outside a web request (imports, the admin)."""
    from apps.readiness.services import agency_figures_refresh

    agency_figures_refresh(agency_id=agency_id)
