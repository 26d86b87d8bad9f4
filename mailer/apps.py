from django.apps import AppConfig


class MailerConfig(AppConfig):
    name = "mailer"
    verbose_name = "Email outbox"

    def ready(self) -> None:
        from core.jobs import register_job

        from .delivery import deliver_due

        # Every server process (and `manage.py scheduler`) sends what is due.
        register_job("mailer.deliver", deliver_due)
