"""Settings of the Celery worker that tests/reports/test_jobs.py starts as a subprocess and
kills mid-render: the test settings, with Redis handing an unacknowledged job to another
worker after seconds instead of an hour, and a slow first render attempt so the test can
kill the worker while the report is `running`."""

from config.env import env
from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
MEDIA_ROOT = env("MEDIA_ROOT")
REPORT_TEST_FIRST_RENDER_DELAY = env.float("REPORT_TEST_FIRST_RENDER_DELAY", default=0)
