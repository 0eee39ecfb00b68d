from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (seed_demo, load_fleet). Nothing in the product imports it."""

    name = "apps.demo"
    label = "demo"
