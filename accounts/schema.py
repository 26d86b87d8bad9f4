"""OpenAPI description of the cookie authentication (drf-spectacular)."""

from django.conf import settings
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTBearerScheme(SimpleJWTScheme):
    """simplejwt's Bearer scheme, for its subclass with the cached user."""

    target_class = "accounts.authentication.JWTBearerAuthentication"


class JWTCookieScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.JWTCookieAuthentication"
    name = "jwtCookie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.JWT_ACCESS_COOKIE}
