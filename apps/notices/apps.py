from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Reminders by e-mail, with a log that sends each notice once."""

    name = "apps.notices"
    label = "notices"
