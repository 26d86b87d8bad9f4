from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from mentorhub.mentor_cache import connect_signals

        from . import (
            schema,  # noqa: F401  (registers the OpenAPI extension)
            signals,  # noqa: F401  (a profile row for every mentor)
        )

        connect_signals()
