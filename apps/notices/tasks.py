from celery import shared_task

from apps.core.jobs import JOB_OPTIONS
from apps.notices.services import reminders_send


@shared_task(name="notices.send_reminders", **JOB_OPTIONS)
def send_reminders() -> dict:
    """08:00 reminders; each notice goes out once per day however often this runs."""
    result = reminders_send()
    return {"logged": result.logged, "sent": result.sent, "emails": result.emails}
