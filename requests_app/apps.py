from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"

    def ready(self) -> None:
        from mentorhub.jobs import register_job

        from .services import expire_requests

        register_job("requests.expire", expire_requests)
