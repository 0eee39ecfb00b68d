from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "apps.directives"
    label = "directives"
