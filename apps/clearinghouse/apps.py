from django.apps import AppConfig


class ClearinghouseConfig(AppConfig):
    name = "apps.clearinghouse"
    label = "clearinghouse"
