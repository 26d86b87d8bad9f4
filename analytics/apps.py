from django.apps import AppConfig


def _ask_for_reviews(sender, session, **kwargs) -> None:
    from sessions_app.reviews import ask_for_reviews

    ask_for_reviews(session)


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        from sessions_app.models import Session
        from sessions_app.signals import session_completed

        # Learners who attended are asked for a review once the session completes
        # (stored inside the completing transaction, pushed after commit).
        session_completed.connect(
            _ask_for_reviews, sender=Session, dispatch_uid="analytics.ask_for_reviews"
        )
