"""The benchmark server's application: the real one, plus two floors under it.

Served by the same Daphne process in the same run as every other row, so the
ratios compare like with like:

- `/__bare__/asgi/`: a raw ASGI callable answering "ok" (the server's own cost);
- `/__bare__/django/`: Django's ASGI handler with no middleware at all and a
  one-route URLconf, answering "ok" from a plain sync view (the framework's
  own cost: request object, URL resolution, one thread hop for the view,
  request_started/finished signals);
- `/__cold__/<user id>/<path>`: `<path>` of the real app right after the user's
  cached figures and markup went stale in this process (`core.cache.stale_here`,
  what a write does), so every request is the first view after a write;
- everything else: `mentorhub.asgi.application` unchanged.
"""

from __future__ import annotations

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.urls import path

from core.cache import stale_here
from mentorhub.asgi import application as real_application

BARE_ASGI_PATH = "/__bare__/asgi/"
BARE_DJANGO_PATH = "/__bare__/django/"
COLD_PREFIX = "/__cold__/"
_OK_HEADERS = [(b"content-type", b"text/plain"), (b"content-length", b"2")]


async def bare_asgi(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": _OK_HEADERS})
    await send({"type": "http.response.body", "body": b"ok"})


def constant_view(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_DJANGO_PATH.strip("/") + "/", constant_view)]


class BareDjango(ASGIHandler):
    """Django's ASGI handler with an empty middleware list and this module's URLconf."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response_async)

    def resolve_request(self, request):
        request.urlconf = __name__
        return super().resolve_request(request)


bare_django = BareDjango()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == BARE_ASGI_PATH:
        await bare_asgi(scope, receive, send)
    elif scope["type"] == "http" and scope["path"] == BARE_DJANGO_PATH:
        await bare_django(scope, receive, send)
    elif scope["type"] == "http" and scope["path"].startswith(COLD_PREFIX):
        owner, _, rest = scope["path"][len(COLD_PREFIX) :].partition("/")
        stale_here([int(owner)])
        path = "/" + rest
        await real_application({**scope, "path": path, "raw_path": path.encode()}, receive, send)
    else:
        await real_application(scope, receive, send)
