from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from .fragments import register_fragments

        register_fragments()  # the bell
