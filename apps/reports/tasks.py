"""Report jobs: thin, id in, one service call, safe to run twice (STYLE rule 8)."""

from celery import Task, shared_task

from apps.core.jobs import JOB_OPTIONS, status_row_job
from apps.reports.models import Report
from apps.reports.services import fleet_report_scheduled, report_mark_failed, report_render


class RenderTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries exhausted (or a time limit hit outside the service's own handling): the
        # report must not stay "running" forever.
        report_id = args[0] if args else kwargs.get("report_id")
        if report_id is not None:
            report_mark_failed(report_id=report_id, error=f"{type(exc).__name__}: {exc}")


@status_row_job(
    model=Report,
    fail=lambda pk, message: report_mark_failed(report_id=pk, error=message),
    lost_message="Rendering was interrupted twice; request it again.",
    reset={"progress": 0, "phase": ""},
)
@shared_task(name="reports.render_report", base=RenderTask, **JOB_OPTIONS)
def render_report(report_id: int) -> dict:
    """Render one queued report (a redelivered job finds it done and does nothing)."""
    report = report_render(report_id=report_id)
    return {"report": report_id, "status": report.status if report else "deleted"}


@shared_task(name="reports.daily_fleet_report", **JOB_OPTIONS)
def daily_fleet_report() -> dict:
    """The leadership PDF of the whole fleet, 06:00 ET (config/schedules.py)."""
    report = fleet_report_scheduled(trigger=Report.Trigger.DAILY)
    return {"report": report.pk if report else None}


@shared_task(name="reports.final_fleet_report", **JOB_OPTIONS)
def final_fleet_report() -> dict:
    """The "Day 30 — final" fleet report, at the directive's deadline (config/schedules.py)."""
    report = fleet_report_scheduled(trigger=Report.Trigger.FINAL)
    return {"report": report.pk if report else None}
