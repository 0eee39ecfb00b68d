"""Report jobs through real Celery workers on Redis, the schedules, and the command."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_celery_beat.models import PeriodicTask

from apps.directives.selectors import directive_schedule
from apps.reports.models import Report
from apps.reports.services import fleet_report_scheduled, report_request
from config.celery import app
from tests.reports.helpers import page_texts, wait_for_status
from tests.reports.scenario import make_fleet

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_renders_a_requested_report(not_eager):
    fleet = make_fleet(3)
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        report = report_request(actor=fleet.oversight, scope="fleet")  # enqueued on commit
        report = wait_for_status(report, {"done", "failed"})
    assert report.status == Report.Status.DONE, report.error
    assert report.started_at <= report.finished_at
    assert report.progress == 100
    with report.file.open("rb") as f:
        _, pages = page_texts(f.read())
    assert len(pages) == report.pages
    assert "Fleet readiness report" in pages[0]


def _worker(media_root: str, delay: float) -> subprocess.Popen:
    """A worker whose first PDF layout waits `delay` seconds (tests/reports/slow_worker.py)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": media_root,
        "REPORT_TEST_SLOW_RENDER": str(delay),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.reports.slow_worker", "worker",
         "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _database_url() -> str:
    """The pytest test database (the worker must see what this test commits)."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_has_the_job_redelivered_and_the_report_completes(
    not_eager, settings, tmp_path
):
    fleet = make_fleet(3)
    media = Path(settings.MEDIA_ROOT)
    first = _worker(str(media), delay=30)
    second = None
    try:
        report = report_request(actor=fleet.oversight, scope="fleet")
        report = wait_for_status(report, {"running", "done", "failed"})
        assert report.status == Report.Status.RUNNING
        first.send_signal(signal.SIGKILL)  # the worker dies without acknowledging the job
        first.wait(timeout=30)
        # Redis hands the unacknowledged job to the next worker after its visibility
        # timeout (4 s here, tests/reports/worker_settings.py).
        second = _worker(str(media), delay=0)
        report = wait_for_status(report, {"done", "failed"}, timeout=90)
        assert report.status == Report.Status.DONE, report.error
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if proc is not None and proc.stderr:
                proc.stderr.close()
    files = [p for p in media.rglob("*") if p.is_file()]
    assert files == [media / report.file.name]
    assert report.started_at < report.finished_at


# --- Schedules ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_daily_fleet_report_is_made_once_a_day(fleet, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        daily = fleet_report_scheduled(trigger=Report.Trigger.DAILY)
        again = fleet_report_scheduled(trigger=Report.Trigger.DAILY)
    daily.refresh_from_db()
    assert again is None
    assert (daily.scope, daily.trigger, daily.requested_by, daily.status) == (
        "fleet", "daily", None, "done",
    )  # fmt: skip
    assert Report.objects.filter(trigger="daily").count() == 1


@pytest.mark.django_db
def test_the_final_report_waits_for_the_deadline_and_is_made_once(
    fleet, django_capture_on_commit_callbacks
):
    deadline = (
        directive_schedule(directive=fleet.directive).clock(fleet.directive.issued_at).deadline
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert fleet_report_scheduled(trigger="final", now=deadline - timedelta(hours=1)) is None
        final = fleet_report_scheduled(trigger="final", now=deadline + timedelta(seconds=40))
        assert fleet_report_scheduled(trigger="final", now=deadline + timedelta(hours=2)) is None
    assert final.trigger == "final"
    assert final.run.computed_at == deadline  # judged at the deadline: "Day 30"
    assert final.run.day_number == 30


@pytest.mark.django_db
def test_sync_schedules_declares_the_daily_report_and_the_final_one_at_the_deadline(fleet):
    call_command("sync_schedules")
    call_command("sync_schedules")
    daily = PeriodicTask.objects.get(task="reports.daily_fleet_report")
    assert (daily.crontab.hour, daily.crontab.minute) == ("6", "0")
    final = PeriodicTask.objects.get(task="reports.final_fleet_report")
    deadline = (
        directive_schedule(directive=fleet.directive).clock(fleet.directive.issued_at).deadline
    )
    assert final.one_off
    assert final.enabled
    assert final.clocked.clocked_time == deadline
    assert final.name == "Day 30 final fleet report (EO-14444)"


@pytest.mark.django_db
def test_generate_report_writes_the_pdf(fleet, tmp_path, capsys):
    out = tmp_path / "btr.pdf"
    call_command("generate_report", "--scope", "agency", "--agency", "btr", "--out", str(out))
    report = Report.objects.get()
    assert report.status == "done"
    assert report.requested_by is None
    assert out.read_bytes()[:5] == b"%PDF-"
    assert out.stat().st_size == report.size
    assert f"Report #{report.pk}: {report.pages} pages" in capsys.readouterr().out
    call_command("generate_report", "--scope", "fleet", "--out", str(tmp_path / "fleet.pdf"))
    assert (tmp_path / "fleet.pdf").stat().st_size > 0


@pytest.mark.django_db
def test_yesterdays_daily_report_does_not_stand_for_todays(
    fleet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        daily = fleet_report_scheduled(trigger=Report.Trigger.DAILY)
    # Made the local day before (the day's boundary is the directive's midnight).
    Report.objects.filter(pk=daily.pk).update(created_at=daily.created_at - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False):
        today = fleet_report_scheduled(trigger=Report.Trigger.DAILY)
        again = fleet_report_scheduled(trigger=Report.Trigger.DAILY)
    assert today is not None
    assert again is None
    assert Report.objects.filter(trigger="daily").count() == 2
