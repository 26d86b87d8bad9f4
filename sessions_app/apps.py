from django.apps import AppConfig


def _ask_for_reviews(sender, session, **kwargs) -> None:
    from .services.reviews import ask_for_reviews

    ask_for_reviews(session)


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from core.cache import watch
        from core.jobs import register_job
        from notifications.queries import register_banner_rule

        from . import queries, services
        from .fragments import register_fragments
        from .models import Booking, Review, Session, WaitlistEntry
        from .signals import session_completed

        register_job("sessions.reminders", services.send_session_reminders)
        register_job("sessions.hour_reminders", services.send_hour_reminders)
        register_job("sessions.end_overdue", services.end_overdue_sessions)
        register_job("sessions.cancel_unstarted", services.cancel_unstarted_sessions)
        register_fragments()  # participant counts on the mentor's dashboard
        # Session banners close once the session started, ended or was cancelled.
        register_banner_rule(queries.open_session_banners)
        # Writes to these rows invalidate their mentor's cached figures and rows.
        watch(Session, "mentor_id")
        watch(Booking, "session__mentor_id")
        watch(Review, "mentor_id")
        watch(WaitlistEntry, "session__mentor_id")
        # Learners who attended are asked for a review once the session completes
        # (stored inside the completing transaction, pushed after commit).
        session_completed.connect(
            _ask_for_reviews, sender=Session, dispatch_uid="sessions_app.ask_for_reviews"
        )
