"""DRF authentication from the JWT cookies (set by JWTCookieMiddleware), with CSRF."""

from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class JWTCookieAuthentication(BaseAuthentication):
    """Cookie-authenticated API calls must carry the CSRF token, like session auth."""

    def authenticate(self, request):
        django_request = request._request
        if not getattr(django_request, "jwt_authenticated", False):
            return None
        self.enforce_csrf(django_request)
        return (django_request.user, None)

    def enforce_csrf(self, request) -> None:
        check = _CSRFCheck(lambda req: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
