"""JWT issue, verification and refresh rotation (pages, API, sockets).

A refresh token is exchanged once. For `JWT_REFRESH_GRACE_SECONDS` after that
exchange the same token yields the same new pair again, so several tabs that
refresh at once all stay signed in; a reuse after the window is treated as
theft and revokes every token descended from the same sign-in (its family).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenObtainSerializer
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import aware_utcnow, datetime_from_epoch

from .models import RefreshRotation, User
from .user_cache import AV_CLAIM, user_for_token

logger = logging.getLogger(__name__)
JTI = settings.SIMPLE_JWT.get("JTI_CLAIM", "jti")


def issue_tokens(user: User) -> tuple[RefreshToken, AccessToken]:
    refresh = RefreshToken.for_user(user)  # records an OutstandingToken
    # Sign-out raises the user's auth_version: tokens issued before are refused.
    # Read from the row, not the instance: it may predate a sign-out.
    version = User.objects.filter(pk=user.pk).values_list("auth_version", flat=True).first()
    refresh[AV_CLAIM] = version or 0
    return refresh, refresh.access_token  # the access token copies the claim


_verified: dict[str | bytes, dict] = {}  # raw access token → its checked claims
_VERIFIED_MAX = 10_000


def verified_access(raw: str | bytes) -> AccessToken:
    """AccessToken(raw), with the signature checked once per process and token
    (the expiry on every use; access tokens have no blacklist). Raises TokenError."""
    payload = _verified.get(raw)
    if payload is not None and payload["exp"] > time.time():
        token = AccessToken.__new__(AccessToken)
        token.token, token.payload, token.current_time = raw, payload, aware_utcnow()
        return token
    _verified.pop(raw, None)
    token = AccessToken(raw)  # raises when forged, malformed or expired
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[raw] = token.payload
    return token


def user_from_access(raw: str) -> User | None:
    """The active user an access token names, or None if it is not valid
    (usually no query: accounts/user_cache.py)."""
    try:
        token = verified_access(raw)
    except TokenError:
        return None
    return user_for_token(token)


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


class VersionedPairSerializer(TokenObtainPairSerializer):
    """/api/token/: simplejwt's pair, with the auth_version claim (like issue_tokens)."""

    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token[AV_CLAIM] = user.auth_version
        return token

    def validate(self, attrs):
        data = TokenObtainSerializer.validate(self, attrs)  # authenticates: self.user
        if not self.user.email_verified:  # the right password, an unconfirmed address
            from django.urls import reverse

            from .views import UNVERIFIED_MESSAGE

            raise EmailNotVerified(
                {
                    "detail": UNVERIFIED_MESSAGE,
                    "code": "email_not_verified",
                    "resend_url": reverse("resend_verification"),
                }
            )
        refresh = self.get_token(self.user)  # as TokenObtainPairSerializer does
        data["refresh"], data["access"] = str(refresh), str(refresh.access_token)
        return data


class EmailNotVerified(exceptions.PermissionDenied):
    default_code = "email_not_verified"

    def __init__(self, detail):
        super().__init__()
        self.detail = detail


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
