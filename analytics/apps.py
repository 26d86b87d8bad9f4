from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """A leaf: reads the other apps' tables, writes nothing, connects to nothing."""

    name = "analytics"
