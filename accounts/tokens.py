"""JWT issue, verification and single-use refresh rotation (pages, API, sockets)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from .models import User


def issue_tokens(user: User) -> tuple[RefreshToken, AccessToken]:
    refresh = RefreshToken.for_user(user)  # records an OutstandingToken
    return refresh, refresh.access_token


def user_from_access(raw: str) -> User | None:
    """The active user an access token names, or None if it is not valid."""
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    return (
        User.objects.select_related("mentor_profile")
        .filter(pk=token.get("user_id"), is_active=True)
        .first()
    )


def _consume(token: RefreshToken) -> None:
    """Blacklist a refresh token; a token already consumed raises TokenError.

    The unique constraint on BlacklistedToken.token makes this exactly-once even
    when many requests race with the same token (simplejwt's own blacklist()
    uses get_or_create, which lets every racer through).
    """
    jti = token[settings.SIMPLE_JWT.get("JTI_CLAIM", "jti")]
    with transaction.atomic():
        outstanding, _ = OutstandingToken.objects.get_or_create(
            jti=jti,
            defaults={
                "user_id": token.get("user_id"),
                "token": str(token),
                "expires_at": datetime_from_epoch(token["exp"]),
            },
        )
        try:
            with transaction.atomic():
                BlacklistedToken.objects.create(token=outstanding)
        except IntegrityError as exc:
            raise TokenError("Token is blacklisted") from exc


def rotate_refresh(raw: str) -> tuple[User, RefreshToken, AccessToken]:
    """Exchange a refresh token for a new pair; the old one can never be used again."""
    token = RefreshToken(raw)  # signature, expiry and blacklist checks
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None:
        raise TokenError("User not found or inactive")
    _consume(token)
    refresh, access = issue_tokens(user)
    return user, refresh, access


def revoke_refresh(raw: str) -> None:
    """Blacklist a refresh token on logout; invalid or used tokens are ignored."""
    try:
        _consume(RefreshToken(raw))
    except TokenError:
        pass


def set_auth_cookies(response: HttpResponse, refresh: RefreshToken, access: AccessToken) -> None:
    common = {
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.JWT_COOKIE_SECURE,
        "path": "/",
    }
    response.set_cookie(
        settings.JWT_ACCESS_COOKIE,
        str(access),
        max_age=int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        **common,
    )
    response.set_cookie(
        settings.JWT_REFRESH_COOKIE,
        str(refresh),
        max_age=int(settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
        **common,
    )


def clear_auth_cookies(response: HttpResponse) -> None:
    response.delete_cookie(settings.JWT_ACCESS_COOKIE, path="/", samesite="Lax")
    response.delete_cookie(settings.JWT_REFRESH_COOKIE, path="/", samesite="Lax")


class SingleUseRefreshSerializer(serializers.Serializer):
    """/api/token/refresh/: rotates the refresh token, exactly once per token."""

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        try:
            _user, refresh, access = rotate_refresh(attrs["refresh"])
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return {"access": str(access), "refresh": str(refresh)}
