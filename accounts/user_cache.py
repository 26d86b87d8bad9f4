"""The user a token names, without a database query on every request.

Each process keeps the users it loaded for `AUTH_USER_CACHE_SECONDS` (a
pickled copy: every request gets its own instance). An entry is used only
while the user's *stamp* is unchanged: a random value per user in the shared
`auth` cache (settings: Redis when REDIS_URL is set, otherwise files on the
local disk, which every process of a host shares), read on every request.
Any change to the user or their profile (deactivation, role, zone, name, a
delete) and every sign-out sets a new stamp, at once and again after the
commit, so every process reloads the user on its next request.

Sign-out also raises `User.auth_version`: access tokens carry the version
they were issued with (claim `av`) and are refused once it moved on, so a
signed-out token stops working at once instead of at its expiry (another
browser of the same user refreshes its token silently).
"""

from __future__ import annotations

import logging
import pickle
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F

from .models import User

logger = logging.getLogger(__name__)
AV_CLAIM = "av"
_store_failed: list[bool] = []
_MAX_LOCAL = 10_000  # users per process; the whole table is dropped beyond it
_local: dict[int, tuple[float, str, bytes]] = {}  # user id → (expires, stamp, pickled user)


def _stamps():
    return caches["auth"]


def _key(user_id) -> str:
    return f"accounts.user.{int(user_id)}"


def _current_stamp(user_id) -> str | None:
    """None when the shared store fails: then nothing is kept (a query per request)."""
    try:
        stamps = _stamps()
        stamp = stamps.get(_key(user_id))
        if stamp is None:  # never set, or evicted: start one (add keeps a racing writer's)
            stamps.add(_key(user_id), uuid.uuid4().hex, timeout=None)
            stamp = stamps.get(_key(user_id))
    except Exception:  # Redis down, an unwritable directory: correct, just slower
        _warn_once()
        return None
    return stamp


def _warn_once() -> None:
    if not _store_failed:
        _store_failed.append(True)
        logger.warning("The auth stamps cache fails: users are read per request", exc_info=True)


def cached_user(user_id) -> User | None:
    """The active user with this id (mentor profile loaded), or None."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    stamp = _current_stamp(user_id)  # read before the row, so a later change is seen
    entry = _local.get(user_id)
    if stamp and entry is not None and entry[1] == stamp and entry[0] > time.monotonic():
        user = pickle.loads(entry[2])  # noqa: S301 - bytes this process pickled itself
        user.cache_stamp = stamp
        return user
    user = User.objects.select_related("mentor_profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        _local.pop(user_id, None)
        return None
    if len(_local) >= _MAX_LOCAL:
        _local.clear()
    ttl = settings.AUTH_USER_CACHE_SECONDS
    if ttl > 0 and stamp:
        _local[user_id] = (time.monotonic() + ttl, stamp, pickle.dumps(user))
    user.cache_stamp = stamp
    return user


def user_stamp(user) -> str | None:
    """The user's current stamp: it changes whenever forget_user(user) is called.

    Apps above accounts key their own per-process copies of a user's data by it
    (notifications' open urgent alerts) and call forget_user when that data
    changes. Read once per request with the user (`cache_stamp`) when possible.
    None: the shared store fails, keep nothing.
    """
    return getattr(user, "cache_stamp", None) or _current_stamp(user.pk)


def current_stamp(user) -> str | None:
    """The user's stamp as stored now (not as read at the start of the request:
    the request itself may have changed it, e.g. by closing urgent alerts)."""
    return _current_stamp(user.pk)


def user_for_token(token) -> User | None:
    """The active user a verified access token names, unless they signed out since."""
    user = cached_user(token.get(settings.SIMPLE_JWT.get("USER_ID_CLAIM", "user_id")))
    if user is None or user.auth_version != token.get(AV_CLAIM, 0):
        return None
    return user


def forget_user(user_id) -> None:
    """Every process reloads this user on its next request (now and after the commit)."""

    def new_stamp():
        _local.pop(int(user_id), None)
        try:
            _stamps().set(_key(user_id), uuid.uuid4().hex, timeout=None)
        except Exception:  # readers fail the same way and keep nothing
            _warn_once()

    new_stamp()
    transaction.on_commit(new_stamp)


def end_access_tokens(user_id) -> None:
    """Sign-out: every access token issued to this user so far is refused."""
    User.objects.filter(pk=user_id).update(auth_version=F("auth_version") + 1)
    forget_user(user_id)


def clear_local() -> None:
    """Forget this process's copies (tests)."""
    _local.clear()
