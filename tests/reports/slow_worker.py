"""The Celery app of the worker tests/reports/test_jobs.py kills mid-render: the project's
app, with this process's first PDF layout held for REPORT_TEST_SLOW_RENDER seconds, so the
test can kill the worker while the report is `running`. Start it with
`celery -A tests.reports.slow_worker worker` and DJANGO_SETTINGS_MODULE
tests.reports.worker_settings."""

import os
import time

import django

django.setup()

from apps.reports import pdf  # noqa: E402  (needs the settings loaded above)
from config.celery import app  # noqa: E402

DELAY = float(os.environ.get("REPORT_TEST_SLOW_RENDER", "0"))
_html_to_pdf = pdf.html_to_pdf
_paused = False


def _slow_once(html: str, **kwargs) -> pdf.RenderedPdf:
    global _paused
    if DELAY and not _paused:
        _paused = True
        time.sleep(DELAY)
    return _html_to_pdf(html, **kwargs)


# apps.reports.services calls pdf.html_to_pdf through the module, so it finds this one.
pdf.html_to_pdf = _slow_once

__all__ = ["app"]
