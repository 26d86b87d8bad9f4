from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"

    def ready(self):
        from mentorhub.jobs import register_job
        from sessions_app.signals import session_completed

        from . import services

        register_job("live.close_stale_presence", services.close_stale_presence)
        session_completed.connect(services.close_room, dispatch_uid="live.close_room")
