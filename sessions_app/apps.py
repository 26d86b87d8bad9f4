from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from mentorhub.jobs import register_job

        from . import services

        register_job("sessions.reminders", services.send_session_reminders)
        register_job("sessions.end_overdue", services.end_overdue_sessions)
        register_job("sessions.cancel_unstarted", services.cancel_unstarted_sessions)
