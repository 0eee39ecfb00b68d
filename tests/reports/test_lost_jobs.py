"""No report left hanging: the sweep of apps.core.jobs enqueues a lost rendering again,
through a real worker on Redis and on the embedded broker of `make run`, and fails a report
lost twice with a message a person can act on."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.core.jobs import LOST_MARGIN, Swept, lost_jobs_sweep
from apps.core.tasks import sweep_lost_jobs
from apps.notices.models import Notice
from apps.reports.models import Report
from apps.reports.services import report_request
from config import embedded_broker
from config.celery import app
from tests.reports.helpers import wait_for_status
from tests.reports.scenario import make_fleet

LOST = "Rendering was interrupted twice; request it again."
# Past the render job's time limit and the margin: its worker is surely gone.
LONG_AGO = timedelta(seconds=app.conf.task_time_limit) + LOST_MARGIN + timedelta(minutes=1)


@pytest.fixture(params=["redis", "embedded"])
def broker(request, tmp_path, not_eager):
    """Jobs go through Redis (the test settings) or kombu's filesystem transport."""
    if request.param == "redis":
        yield request.param
        return
    saved = app.conf.broker_url, app.conf.broker_transport_options
    _use_broker(embedded_broker.URL, embedded_broker.transport_options(tmp_path / "celery"))
    try:
        yield request.param
    finally:
        _use_broker(*saved)


def _use_broker(url: str, options: dict) -> None:
    app.conf.broker_url, app.conf.broker_transport_options = url, options
    # The app keeps the pools of its first broker (kombu's, shared per broker URL; and
    # app.close() would unregister the app from shared tasks): forgotten, the next publish
    # takes those of this broker.
    app._pool = None
    app.amqp._producer_pool = None


def _queued_tasks() -> list[str]:
    """The names of the jobs waiting on the broker, taken off it."""
    names = []
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            names.append(message.headers["task"])
            message.ack()
        queue.close()
    return names


def _lost(report: Report, *, status: str = "running", ago: timedelta = LONG_AGO) -> Report:
    """The report as a worker that vanished mid-render left it."""
    Report.objects.filter(pk=report.pk).update(
        status=status, progress=40, phase="Laying out the pages",
        started_at=timezone.now() - ago, updated_at=timezone.now() - ago,
    )  # fmt: skip
    report.refresh_from_db()
    return report


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_report_whose_job_was_lost_is_enqueued_again_by_the_sweep_and_completes(broker):
    fleet = make_fleet(3)
    report = _lost(report_request(actor=fleet.oversight, scope="fleet", enqueue=False))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert lost_jobs_sweep() == [Swept("reports.Report", report.pk, "requeued")]
        report = wait_for_status(report, {"done", "failed"})
    assert report.status == Report.Status.DONE, report.error
    assert report.attempts == 1
    assert report.pages > 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_report_lost_twice_is_failed_with_a_message(broker):
    fleet = make_fleet(3)
    report = _lost(report_request(actor=fleet.oversight, scope="fleet", enqueue=False))

    assert lost_jobs_sweep() == [Swept("reports.Report", report.pk, "requeued")]
    report.refresh_from_db()
    assert (report.status, report.attempts, report.progress, report.phase) == (
        "queued", 1, 0, "",
    )  # fmt: skip
    # Its job is on this broker; no worker takes it, and it is lost again.
    assert app.control.purge() == 1
    report = _lost(report, status="queued")

    assert lost_jobs_sweep() == [Swept("reports.Report", report.pk, "failed")]
    report.refresh_from_db()
    assert (report.status, report.error, report.file.name) == ("failed", LOST, "")
    assert report.attempts == 2
    # Not enqueued a third time: the one job waiting e-mails the person who asked for it.
    assert _queued_tasks() == ["notices.deliver"]
    assert Notice.objects.get(user=fleet.oversight).kind == Notice.Kind.REPORT_FAILED
    assert lost_jobs_sweep() == []


@pytest.mark.django_db
def test_the_sweep_leaves_jobs_within_their_time_limit_and_ended_ones_alone(
    fleet, django_capture_on_commit_callbacks
):
    def request(**lost) -> Report:
        with django_capture_on_commit_callbacks(execute=False):
            report = report_request(actor=fleet.oversight, scope="fleet")
        return _lost(report, **lost)

    recent = request(ago=LONG_AGO - timedelta(minutes=2))
    waiting_long = request(status="queued")
    done = request(status="queued", ago=timedelta(0))
    Report.objects.filter(pk=done.pk).update(
        status="done", file="reports/x.pdf", sha256="0" * 64, size=1,
        updated_at=timezone.now() - LONG_AGO,
    )  # fmt: skip
    failed = request(status="queued", ago=timedelta(0))
    Report.objects.filter(pk=failed.pk).update(
        status="failed", error="LayoutError: boom", updated_at=timezone.now() - LONG_AGO
    )

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        swept = lost_jobs_sweep()
    assert swept == [Swept("reports.Report", waiting_long.pk, "requeued")]
    assert len(enqueued) == 1
    assert Report.objects.get(pk=recent.pk).status == "running"
    assert Report.objects.get(pk=done.pk).attempts == 0
    assert Report.objects.get(pk=failed.pk).attempts == 0


@pytest.mark.django_db
def test_at_start_up_every_running_report_is_lost_and_queued_ones_still_wait(
    fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        queued = report_request(actor=fleet.oversight, scope="fleet")
        running = _lost(report_request(actor=fleet.oversight, scope="fleet"), ago=timedelta(0))
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        swept = lost_jobs_sweep(stopped=True)
    assert swept == [Swept("reports.Report", running.pk, "requeued")]
    assert len(enqueued) == 1
    assert Report.objects.get(pk=queued.pk).attempts == 0


@pytest.mark.django_db
def test_beat_runs_the_sweep_every_five_minutes(fleet, django_capture_on_commit_callbacks):
    call_command("sync_schedules")
    job = PeriodicTask.objects.get(task="core.sweep_lost_jobs")
    assert (job.interval.every, job.interval.period) == (5, "minutes")

    with django_capture_on_commit_callbacks(execute=False):
        report = _lost(report_request(actor=fleet.oversight, scope="fleet"))
    with django_capture_on_commit_callbacks(execute=False):
        summary = sweep_lost_jobs.delay().get()
    assert summary == {"requeued": [f"reports.Report #{report.pk}"], "failed": []}
