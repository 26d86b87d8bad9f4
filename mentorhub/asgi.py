"""ASGI entry point: HTTP to Django, WebSockets through Origin + JWT checks.

The Origin check compares scheme, host and port (accounts.ws_auth), like CSRF.
HTTP requests run the whole middleware stack and the view in one call on the
request's lane thread (core/asgi_handler.py, core/http_limit.py).
"""

import os

from core.asgi_handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from accounts.ws_auth import JWTCookieAuthMiddleware, WebSocketOriginValidator  # noqa: E402
from core.http_limit import BoundedHTTP  # noqa: E402
from core.jobs import JobRunnerApp  # noqa: E402
from mentorhub.routing import websocket_urlpatterns  # noqa: E402

# JobRunnerApp starts the periodic jobs once per server process
# (settings.SCHEDULER_IN_PROCESS; tests turn it off).
application = JobRunnerApp(
    ProtocolTypeRouter(
        {
            "http": BoundedHTTP(django_asgi_app, settings.HTTP_CONCURRENCY),
            "websocket": WebSocketOriginValidator(
                JWTCookieAuthMiddleware(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
