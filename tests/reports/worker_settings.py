"""Settings of the Celery worker that tests/reports/test_jobs.py starts as a subprocess and
kills mid-render: the test settings, with Redis handing an unacknowledged job to another
worker after seconds instead of an hour (the slow render is tests/reports/slow_worker.py)."""

from config.env import env
from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
MEDIA_ROOT = env("MEDIA_ROOT")
