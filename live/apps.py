from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"

    def ready(self):
        from django.db.models.signals import post_save

        from core.jobs import register_job
        from sessions_app.models import Booking, Session
        from sessions_app.signals import session_completed

        from . import services, sfu
        from .fragments import register_fragments

        register_job("live.close_stale_presence", services.close_stale_presence)
        register_fragments()  # who is in the room, on the mentor's dashboard
        session_completed.connect(services.close_room, dispatch_uid="live.close_room")
        session_completed.connect(sfu.destroy_when_completed, dispatch_uid="live.janus_destroy")
        # Admin edits that take access away close the sockets concerned.
        post_save.connect(services.booking_saved, sender=Booking, dispatch_uid="live.booking")
        post_save.connect(services.session_saved, sender=Session, dispatch_uid="live.session")
        post_save.connect(sfu.session_saved, sender=Session, dispatch_uid="live.janus_session")
