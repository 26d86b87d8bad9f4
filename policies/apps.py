from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = "Cancellation policies"

    def ready(self) -> None:
        from core.cache import watch

        from .models import CancellationPolicy

        watch(CancellationPolicy, "mentor_id")
