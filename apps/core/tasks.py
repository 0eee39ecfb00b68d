from celery import shared_task


@shared_task(name="core.ping")
def ping() -> str:
    """Round-trip check of the broker, a worker and the result backend."""
    return "pong"
