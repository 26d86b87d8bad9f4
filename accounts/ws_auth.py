"""Channels middleware: authenticate WebSockets from the JWT access cookie."""

from http.cookies import SimpleCookie

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from .tokens import user_from_access


def _cookies(scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return {}
            return {key: morsel.value for key, morsel in jar.items()}
    return {}


class JWTCookieAuthMiddleware(BaseMiddleware):
    """Sets scope["user"]; tokens never travel in URLs.

    scope["auth_error"] = "expired" when the access token is missing/invalid
    but a refresh cookie exists: the client can refresh over HTTP and retry.
    """

    async def __call__(self, scope, receive, send):
        cookies = _cookies(scope)
        user = None
        raw = cookies.get(settings.JWT_ACCESS_COOKIE)
        if raw:
            user = await database_sync_to_async(user_from_access)(raw)
        scope = dict(scope)
        scope["user"] = user or AnonymousUser()
        if user is None and (raw or cookies.get(settings.JWT_REFRESH_COOKIE)):
            scope["auth_error"] = "expired"
        return await super().__call__(scope, receive, send)
