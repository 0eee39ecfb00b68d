"""What every Celery job of the portal shares (STYLE rule 8: thin, safe to run twice): the
retry policy, and the sweep that leaves no job with a status row hanging.

Late acknowledgement and the time limits apply to every task and are set once, in settings
(CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST, CELERY_TASK_TIME_LIMIT,
CELERY_TASK_SOFT_TIME_LIMIT); JOB_OPTIONS is the retry policy the periodic and report jobs
add.

A job whose state people watch (a report rendering, later imports and exports) keeps it in
a *status row* and registers its task with `@status_row_job`. A worker that stops mid-job
leaves that row queued or running: kombu's filesystem broker (`make run`) never hands the
message out again, and Redis does only after its visibility timeout (an hour by default).
`lost_jobs_sweep`, run by beat every few minutes and once at `make run`'s start-up, finds
those rows, enqueues their job again, and after a second loss fails the row with a message
a person can act on."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Model, Q
from django.utils import timezone

# Retried with exponential backoff when the database blips (a restart, a failover, a
# dropped connection).
JOB_OPTIONS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}

QUEUED, RUNNING = "queued", "running"
# A row is looked at once its job's hard time limit has passed by this much: a worker
# killed at the limit has had time to say so (the job's on_failure) before it counts as lost.
LOST_MARGIN = timedelta(minutes=5)
# The first loss is enqueued again; the second fails the row for good.
LOST_RUNS_ALLOWED = 2
# When neither the task nor the settings set a time limit.
DEFAULT_TIME_LIMIT = timedelta(hours=1)


@dataclass(frozen=True)
class StatusRowJob:
    """A job that works on one row of `model`, given to its task by primary key.

    The row carries `status` ("queued", then "running"; any other value means the job has
    ended), `attempts` (runs lost so far) and `updated_at` (stamped when the job is queued,
    re-queued or starts; progress updates leave it alone)."""

    task: Any  # the Celery task (a shared_task proxy until the app is finalized)
    model: type[Model]
    # fail(pk, message): ends the row as failed with `message` (the app's own service).
    fail: Callable[[int, str], object]
    lost_message: str
    # Fields put back when the row is queued again (e.g. its progress).
    reset: Mapping[str, object] = field(default_factory=dict)

    @property
    def time_limit(self) -> timedelta:
        seconds = self.task.time_limit or current_app.conf.task_time_limit
        return timedelta(seconds=seconds) if seconds else DEFAULT_TIME_LIMIT


STATUS_ROW_JOBS: dict[str, StatusRowJob] = {}


def status_row_job(
    *,
    model: type[Model],
    fail: Callable[[int, str], object],
    lost_message: str,
    reset: Mapping[str, object] | None = None,
):
    """Register a task (put this decorator above `@shared_task`) as the job of `model`'s
    status rows, so `lost_jobs_sweep` looks after it."""

    def register(task):
        STATUS_ROW_JOBS[model._meta.label] = StatusRowJob(
            task=task, model=model, fail=fail, lost_message=lost_message, reset=reset or {}
        )
        return task

    return register


@dataclass(frozen=True)
class Swept:
    model: str  # "reports.Report"
    pk: int
    outcome: str  # "requeued" or "failed"


def lost_jobs_sweep(*, now: datetime | None = None, stopped: bool = False) -> list[Swept]:
    """Enqueue again the job of every status row whose job was lost, and fail the rows
    lost LOST_RUNS_ALLOWED times (with their job's `lost_message`).

    A job is lost when its row has been queued or running, since it was last queued or
    started, for longer than the job's time limit plus LOST_MARGIN. `stopped=True` is for
    a caller that knows no worker runs (make run's start-up): every running row is then
    lost, whatever its age, while queued ones still wait in the broker."""
    current_app.loader.import_default_modules()  # each app's tasks module registers its jobs
    now = now or timezone.now()
    swept = []
    for job in STATUS_ROW_JOBS.values():
        if stopped:
            lost = Q(status=RUNNING)
        else:
            since = now - job.time_limit - LOST_MARGIN
            lost = Q(status__in=(QUEUED, RUNNING), updated_at__lt=since)
        for pk in job.model.objects.filter(lost).values_list("pk", flat=True):
            outcome = _recover(job, pk, lost, now)
            if outcome:
                swept.append(Swept(job.model._meta.label, pk, outcome))
    return swept


@transaction.atomic
def _recover(job: StatusRowJob, pk: int, lost: Q, now: datetime) -> str | None:
    # Locked and looked at again: its worker may have finished it since the query.
    row = job.model.objects.select_for_update().filter(lost, pk=pk).first()
    if row is None:
        return None
    attempts = row.attempts + 1
    rows = job.model.objects.filter(pk=pk)
    if attempts >= LOST_RUNS_ALLOWED:
        rows.update(attempts=attempts)
        job.fail(pk, job.lost_message)
        return "failed"
    rows.update(status=QUEUED, attempts=attempts, updated_at=now, **job.reset)
    # The worker must find the row queued: enqueue once this transaction has committed.
    transaction.on_commit(lambda: job.task.delay(pk))
    return "requeued"
