"""Notice jobs: thin, one service call each, safe to run twice (STYLE rule 8)."""

from celery import shared_task

from apps.core.jobs import JOB_OPTIONS
from apps.notices.services import digest_send, notices_deliver, reminders_send


@shared_task(name="notices.send_reminders", **JOB_OPTIONS)
def send_reminders() -> dict:
    """08:00 reminders; each notice goes out once per day however often this runs."""
    result = reminders_send()
    return {"logged": result.logged, "sent": result.sent, "emails": result.emails}


@shared_task(name="notices.send_digest", **JOB_OPTIONS)
def send_digest() -> dict:
    """07:00 digest for oversight: new submissions and pending extensions, once a day."""
    result = digest_send()
    return {"logged": result.logged, "sent": result.sent, "emails": result.emails}


@shared_task(name="notices.deliver", **JOB_OPTIONS)
def deliver_notices(user_ids: list[int]) -> dict:
    """E-mail what waits for these users (queued when a change that told them commits)."""
    result = notices_deliver(user_ids=user_ids)
    return {"sent": result.sent, "emailed": result.emailed, "emails": result.emails}


@shared_task(name="notices.deliver_pending", **JOB_OPTIONS)
def deliver_pending() -> dict:
    """Every few minutes: e-mail any notice whose delivery job was lost (a broker that was
    down when the change committed, a worker stopped mid-job)."""
    result = notices_deliver()
    return {"sent": result.sent, "emailed": result.emailed, "emails": result.emails}
