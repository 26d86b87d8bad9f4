"""DRF authentication: Bearer tokens, and the JWT cookies (set by
JWTCookieMiddleware) with CSRF."""

from django.middleware.csrf import CsrfViewMiddleware
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError

from .tokens import verified_access
from .user_cache import user_for_token


class JWTBearerAuthentication(JWTAuthentication):
    """simplejwt's Bearer authentication, with the user from the per-process
    cache (no query per request) and signed-out tokens refused (accounts/user_cache.py)."""

    def get_validated_token(self, raw_token):
        try:
            return verified_access(raw_token)  # the signature checked once per token
        except TokenError:
            return super().get_validated_token(raw_token)  # raises with simplejwt's details

    def get_user(self, validated_token):
        user = user_for_token(validated_token)
        if user is None:
            raise exceptions.AuthenticationFailed("User not found", code="user_not_found")
        return user


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
