"""Per-user WebSocket: notifications, badge counts, participant counts.

Protocol (JSON text frames):

client → server
    {"type": "hello", "last_id": N}   on every (re)connect: N = newest id the page has
    {"type": "ping", "last_id": N}    heartbeat (≤ 30 s); also asks for rows newer than N

server → client
    {"type": "notification", "id", "level", "title", "body", "url", "html"}
    {"type": "update", "kind", "html"}
    {"type": "ready", "last_id"}       after the hello catch-up
    {"type": "pong", "last_id"}

`html` holds server-rendered fragments with hx-swap-oob (bell count, toast,
banner, live values); the client swaps them with htmx. The heartbeat's
catch-up is what delivers notifications stored by other processes (operator
commands, a second server) when the channel layer is in-memory.

A socket lives no longer than the access token it was opened with: once that
token expires (seen at the next heartbeat or event) the socket closes with
4001, the client refreshes its cookies with a normal request and reconnects.
So a signed-out or deactivated user stops receiving within one token lifetime.
"""

import logging
import re
import time
from collections import deque
from http.cookies import CookieError, SimpleCookie

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from . import queries
from .models import Notification
from .services import unread_count, user_group

logger = logging.getLogger(__name__)

CLOSE_TOKEN_EXPIRED = 4001  # the client refreshes its cookies, then reconnects
MAX_FRAME_CHARS = 1024  # client frames are tiny JSON objects
MIN_CATCH_UP_SECONDS = 1.0  # a flood of pings costs at most one query a second
_KIND = re.compile(r"^[a-z0-9_]{1,40}$")


def _as_id(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _now() -> float:
    return time.time()


def token_expiry(scope) -> float | None:
    """When the access cookie this socket was opened with expires (epoch seconds).

    The auth middleware has already verified the token; this only reads its
    `exp` claim (no database, no second verification).
    """
    for name, value in scope.get("headers", []):
        if name != b"cookie":
            continue
        jar = SimpleCookie()
        try:
            jar.load(value.decode("latin-1"))
            raw = jar[settings.JWT_ACCESS_COOKIE].value
            return float(AccessToken(raw, verify=False)["exp"])
        except (CookieError, KeyError, TokenError, TypeError, ValueError):
            return None
    return None


def render_notifications(user, rows: list[Notification]) -> list[dict]:
    """One frame per row, oldest first; each carries the current unread count."""
    if not rows:
        return []
    count = unread_count(user)
    frames = []
    for row in rows:
        with timezone.override(user.tzinfo):
            html = render_to_string(
                "notifications/live/notification.html", {"n": row, "count": count}
            )
        frames.append(
            {
                "type": "notification",
                "id": row.pk,
                "level": row.level,
                "title": row.title,
                "body": row.body,
                "url": row.url,
                "html": html,
            }
        )
    return frames


def render_update(kind: str, data: dict) -> str | None:
    if not _KIND.match(kind or ""):
        logger.warning("live update with a bad kind %r dropped", kind)
        return None
    try:
        return render_to_string(f"notifications/live/{kind}.html", dict(data or {}))
    except TemplateDoesNotExist:
        logger.warning("no template notifications/live/%s.html; update dropped", kind)
        return None


@database_sync_to_async
def _catch_up(user, after: int) -> list[dict]:
    return render_notifications(user, queries.newer_than(user, after))


@database_sync_to_async
def _one(user, pk: int) -> list[dict]:
    return render_notifications(user, list(Notification.objects.filter(pk=pk, user=user)))


@database_sync_to_async
def _update(kind: str, data: dict) -> str | None:
    return render_update(kind, data)


class UserConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            if self.scope.get("auth_error") == "expired":
                await self.accept()
                await self.close(code=CLOSE_TOKEN_EXPIRED)
            else:
                await self.close()
            return
        self.user = user
        self.expires_at = token_expiry(self.scope)
        self.closing = False
        # Nothing is sent before the client says which rows it has (hello):
        # pushes that arrive earlier are covered by the hello catch-up.
        self.floor: int | None = None  # the id the client had at hello
        self.watermark = 0  # newest id this connection delivered
        self.sent: deque[int] = deque(maxlen=500)
        self.last_catch_up = 0.0
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _closed_for_expiry(self) -> bool:
        """True (after closing with 4001) once the connection's token has expired."""
        if self.closing:
            return True
        if self.expires_at is not None and _now() >= self.expires_at:
            self.closing = True
            await self.close(code=CLOSE_TOKEN_EXPIRED)
            return True
        return False

    async def receive_json(self, content, **kwargs):
        if await self._closed_for_expiry() or not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind not in ("hello", "ping"):
            return
        last_id = _as_id(content.get("last_id"))
        if kind == "hello" or self.floor is None:
            self.floor = last_id
        self.watermark = max(self.watermark, last_id)
        now = time.monotonic()
        if now - self.last_catch_up >= MIN_CATCH_UP_SECONDS:
            self.last_catch_up = now
            await self._deliver(await _catch_up(self.user, self.watermark))
        reply = "ready" if kind == "hello" else "pong"
        await self.send_json({"type": reply, "last_id": self.watermark})

    async def decode_json(self, text_data):
        if len(text_data) > MAX_FRAME_CHARS:
            return None
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None  # garbage is ignored, not fatal

    async def _deliver(self, frames: list[dict]) -> None:
        for frame in frames:
            pk = frame["id"]
            if pk in self.sent or (self.floor is not None and pk <= self.floor):
                continue
            self.sent.append(pk)
            self.watermark = max(self.watermark, pk)
            await self.send_json(frame)

    # --- channel layer events (sent by notifications.services) ---

    async def notification_created(self, event):
        if await self._closed_for_expiry():
            return
        if self.floor is None:
            return  # the hello catch-up will include it
        pk = _as_id(event.get("id"))
        if pk in self.sent or pk <= self.floor:
            return
        await self._deliver(await _one(self.user, pk))

    async def live_update(self, event):
        if await self._closed_for_expiry():
            return
        html = await _update(event.get("kind", ""), event.get("data") or {})
        if html and html.strip():
            await self.send_json({"type": "update", "kind": event["kind"], "html": html})
