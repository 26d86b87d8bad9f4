from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self):
        from core.jobs import register_job

        from . import (
            schema,  # noqa: F401  (registers the OpenAPI extension)
            signals,  # noqa: F401  (a profile row for every mentor)
        )
        from .tokens import prune_rotations

        register_job("accounts.prune_rotations", prune_rotations)
        # Cached dashboard tabs are keyed by the user's stamp, read fresh per request.
        from core import tab_cache

        from .user_cache import current_stamp

        tab_cache.set_stamp_source(current_stamp)
