"""OpenAPI description of the cookie authentication (drf-spectacular)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTCookieScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.JWTCookieAuthentication"
    name = "jwtCookie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.JWT_ACCESS_COOKIE}
