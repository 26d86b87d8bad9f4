"""JWT issue, verification and refresh rotation (pages, API, sockets).

A refresh token is exchanged once. For `JWT_REFRESH_GRACE_SECONDS` after that
exchange the same token yields the same new pair again, so several tabs that
refresh at once all stay signed in; a reuse after the window is treated as
theft and revokes every token descended from the same sign-in (its family).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from .models import RefreshRotation, User

logger = logging.getLogger(__name__)
JTI = settings.SIMPLE_JWT.get("JTI_CLAIM", "jti")


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


class _SignedRefresh(RefreshToken):
    """Signature, type and expiry checked; the blacklist is rotate_refresh's business."""

    def check_blacklist(self) -> None:
        pass


def _consume(token: Token) -> None:
    """Blacklist a refresh token; a token already consumed raises TokenError.

    The unique constraint on BlacklistedToken.token makes this exactly-once even
    when many requests race with the same token (simplejwt's own blacklist()
    uses get_or_create, which lets every racer through).
    """
    with transaction.atomic():
        outstanding, _ = OutstandingToken.objects.get_or_create(
            jti=token[JTI],
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


def _active_user(user_id) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise TokenError("User not found or inactive")
    return user


def rotate_refresh(raw: str) -> tuple[User, str, str]:
    """Exchange a refresh token for a new (refresh, access) pair.

    The first exchange wins (blacklist row + rotation row in one transaction);
    racers and retries inside the grace window get the winner's pair.
    """
    token = _SignedRefresh(raw)
    user = _active_user(token.get("user_id"))
    try:
        return user, *_exchange(token, user)
    except TokenError:
        pass  # already consumed: by a racing tab (grace), a logout, or a thief
    return user, *_replay(token[JTI])


def _exchange(token: Token, user: User) -> tuple[str, str]:
    jti = token[JTI]
    with transaction.atomic():
        _consume(token)
        parent = RefreshRotation.objects.filter(new_jti=jti).values_list("family", flat=True)
        refresh, access = issue_tokens(user)
        RefreshRotation.objects.create(
            jti=jti,
            new_jti=refresh[JTI],
            family=parent.first() or jti,
            user=user,
            refresh=str(refresh),
            access=str(access),
            created_at=timezone.now(),
        )
    return str(refresh), str(access)


def _replay(jti: str) -> tuple[str, str]:
    """The pair an already-exchanged token got, inside the grace window only."""
    rotation = RefreshRotation.objects.filter(jti=jti).first()
    if rotation is None:
        raise TokenError("Token is blacklisted")  # revoked by logout, not rotated
    grace = timedelta(seconds=settings.JWT_REFRESH_GRACE_SECONDS)
    if timezone.now() - rotation.created_at > grace:
        revoke_family(rotation.family)
        logger.warning("Refresh token reused after rotation; user %s signed out", rotation.user_id)
        raise TokenError("Token is blacklisted")
    if BlacklistedToken.objects.filter(token__jti=rotation.new_jti).exists():
        raise TokenError("Token is blacklisted")  # signed out since
    return rotation.refresh, rotation.access


def revoke_family(family: str) -> int:
    """Blacklist every refresh token descended from one sign-in."""
    jtis = {
        family,
        *RefreshRotation.objects.filter(family=family).values_list("new_jti", flat=True),
    }
    rows = [BlacklistedToken(token=o) for o in OutstandingToken.objects.filter(jti__in=jtis)]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def prune_rotations() -> int:
    """Forget rotations whose old token has expired (it can no longer be presented)."""
    cutoff = timezone.now() - settings.REFRESH_TOKEN_LIFETIME
    deleted, _ = RefreshRotation.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def revoke_refresh(raw: str) -> None:
    """Blacklist a refresh token on logout; invalid or used tokens are ignored."""
    try:
        _consume(RefreshToken(raw))
    except TokenError:
        pass


def set_auth_cookies(
    response: HttpResponse, refresh: RefreshToken | str, access: AccessToken | str
) -> None:
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
    """/api/token/refresh/: rotates the refresh token (same rules as the cookie path)."""

    refresh = serializers.CharField()
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        try:
            _user, refresh, access = rotate_refresh(attrs["refresh"])
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return {"access": access, "refresh": refresh}
