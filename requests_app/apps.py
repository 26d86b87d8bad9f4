from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"

    def ready(self) -> None:
        from core.cache import watch
        from core.jobs import register_job

        from .fragments import register_fragments
        from .models import SessionRequest
        from .services import expire_requests

        register_job("requests.expire", expire_requests)
        register_fragments()  # the Requests tab badge
        watch(SessionRequest, "mentor_id")  # invalidates the mentor's cached figures and rows
