from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Reads the other apps' tables; keeps its monthly rollups current on their writes."""

    name = "analytics"

    def ready(self):
        from analytics import responses, rollups

        rollups.connect()
        responses.connect()
