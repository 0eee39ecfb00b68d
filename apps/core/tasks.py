from celery import shared_task

from apps.core.jobs import JOB_OPTIONS, lost_jobs_sweep


@shared_task(name="core.ping")
def ping() -> str:
    """Round-trip check of the broker, a worker and the result backend."""
    return "pong"


@shared_task(name="core.sweep_lost_jobs", **JOB_OPTIONS)
def sweep_lost_jobs() -> dict:
    """Every 5 minutes (config/schedules.py): jobs with a status row whose worker was lost
    are enqueued again, or failed after their second loss (apps.core.jobs)."""
    swept = lost_jobs_sweep()
    return {
        outcome: [f"{s.model} #{s.pk}" for s in swept if s.outcome == outcome]
        for outcome in ("requeued", "failed")
    }
