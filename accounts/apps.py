from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from mentorhub.jobs import register_job
        from mentorhub.mentor_cache import connect_signals

        from . import (
            schema,  # noqa: F401  (registers the OpenAPI extension)
            signals,  # noqa: F401  (a profile row for every mentor)
        )
        from .tokens import prune_rotations

        connect_signals()
        register_job("accounts.prune_rotations", prune_rotations)
