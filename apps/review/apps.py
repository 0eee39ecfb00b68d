from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Oversight's work lists: completed tasks to verify, not-applicable claims to accept or
    reject, extension requests to decide. Reads only; every write is a tracking service."""

    name = "apps.review"
    label = "review"
    verbose_name = "Oversight review"
