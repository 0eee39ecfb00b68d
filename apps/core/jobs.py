"""Options every Celery job of the portal shares (STYLE rule 8: thin, safe to run twice).

Late acknowledgement and the time limits apply to every task and are set once, in settings
(CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST, CELERY_TASK_TIME_LIMIT,
CELERY_TASK_SOFT_TIME_LIMIT); these are the retry policy the periodic and report jobs add."""

from django.db import InterfaceError, OperationalError

# Retried with exponential backoff when the database blips (a restart, a failover, a
# dropped connection).
JOB_OPTIONS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
