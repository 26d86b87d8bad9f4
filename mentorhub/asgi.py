"""ASGI entry point: HTTP to Django, WebSockets through Origin + JWT checks."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from accounts.ws_auth import JWTCookieAuthMiddleware  # noqa: E402
from mentorhub.http_limit import BoundedHTTP  # noqa: E402
from mentorhub.routing import websocket_urlpatterns  # noqa: E402
from notifications.scheduler import JobRunnerApp  # noqa: E402

# JobRunnerApp starts the periodic jobs once per server process
# (settings.SCHEDULER_IN_PROCESS; tests turn it off).
application = JobRunnerApp(
    ProtocolTypeRouter(
        {
            "http": BoundedHTTP(django_asgi_app, settings.HTTP_CONCURRENCY),
            "websocket": AllowedHostsOriginValidator(
                JWTCookieAuthMiddleware(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
