"""Options every Celery job of the portal shares (STYLE rule 8: thin, safe to run twice)."""

from django.db import InterfaceError, OperationalError

# Acknowledged after the job ends, so a worker lost mid-job has it redelivered; retried with
# exponential backoff when the database blips (a restart, a failover, a dropped connection).
JOB_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 10 * 60,
    "time_limit": 12 * 60,
}
