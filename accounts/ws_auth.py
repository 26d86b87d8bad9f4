"""Channels middleware: the WebSocket Origin check and JWT cookie authentication."""

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

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


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def token_expiry(scope) -> float | None:
    """When the access cookie this socket was opened with expires (epoch seconds).

    The auth middleware has already verified the token; this only reads its
    `exp` claim (no database, no second verification).
    """
    raw = _cookies(scope).get(settings.JWT_ACCESS_COOKIE)
    if not raw:
        return None
    try:
        return float(AccessToken(raw, verify=False)["exp"])
    except (KeyError, TokenError, TypeError, ValueError):
        return None


def _refresh_revoked(raw: str) -> bool:
    """The refresh cookie sent along was blacklisted (signed out) or is no good.

    An access token outlives a logout by up to its lifetime; the refresh cookie
    next to it says whether that browser is still signed in.
    """
    try:
        RefreshToken(raw)  # signature, expiry and blacklist
    except TokenError:
        return True
    return False


class JWTCookieAuthMiddleware(BaseMiddleware):
    """Sets scope["user"]; tokens never travel in URLs.

    scope["auth_error"] = "expired" when the access token is missing/invalid
    but a refresh cookie exists: the client can refresh over HTTP and retry.
    A valid access token sent with a revoked refresh cookie (the browser signed
    out) authenticates no one and also answers "expired": the client's refresh
    then fails and it goes to the sign-in page instead of retrying.
    """

    async def __call__(self, scope, receive, send):
        cookies = _cookies(scope)
        user = None
        raw = cookies.get(settings.JWT_ACCESS_COOKIE)
        refresh = cookies.get(settings.JWT_REFRESH_COOKIE)
        if raw:
            user = await database_sync_to_async(user_from_access)(raw)
        if user is not None and refresh and await database_sync_to_async(_refresh_revoked)(refresh):
            user = None
        scope = dict(scope)
        scope["user"] = user or AnonymousUser()
        if user is None and (raw or refresh):
            scope["auth_error"] = "expired"
        return await super().__call__(scope, receive, send)


# --- Origin ------------------------------------------------------------------------------


def _request_scheme(scope) -> str | None:
    """ "https"/"http" as Django's request.is_secure() would say; None if unknown.

    Daphne's WebSocket scope carries no scheme: with TLS straight to Daphne and
    no proxy header the scheme is unknown (the Host's explicit port still is).
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin-1")
        value = _header(scope, header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    scheme = scope.get("scheme")
    if scheme in ("wss", "https"):
        return "https"
    if scheme in ("ws", "http"):
        return "http"
    server = scope.get("server") or (None, None)
    return {443: "https", 80: "http"}.get(server[1] if len(server) > 1 else None)


def _request_host(scope) -> str:
    if settings.USE_X_FORWARDED_HOST:
        forwarded = _header(scope, b"x-forwarded-host")
        if forwarded:
            return forwarded.split(",", 1)[0].strip()
    return _header(scope, b"host") or ""


def _allowed_hosts() -> list[str]:
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django's get_host()
    return allowed


def _trusted(origin: str) -> bool:
    """CSRF_TRUSTED_ORIGINS, exact or "https://*.example.com", as Django's CSRF check."""
    if origin in {trusted.lower() for trusted in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    parsed = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in trusted:
            pattern = urlsplit(trusted.lower())
            if pattern.scheme == parsed.scheme and is_same_domain(
                parsed.netloc, pattern.netloc.lstrip("*")
            ):
                return True
    return False


def origin_allowed(scope) -> bool:
    """The Origin is this site's own scheme://host[:port] or a trusted origin.

    The same rule as Django's CSRF origin check: scheme, host and port all
    count, so another port of the same host is another (foreign) origin. A
    handshake without an Origin is refused: browsers always send one.
    """
    origin = (_header(scope, b"origin") or "").strip().lower()
    if not origin or origin == "null":
        return False
    try:
        if _trusted(origin):
            return True
    except ValueError:
        return False
    host = _request_host(scope).lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return False
    scheme = _request_scheme(scope)
    schemes = (scheme,) if scheme else ("http", "https")
    return origin in {f"{s}://{host}" for s in schemes}


class WebSocketOriginValidator:
    """Refuses (403) WebSocket handshakes from a foreign Origin."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
