"""Per-user WebSocket: notifications and live fragments (badges, counts, balances).

Protocol (JSON text frames):

client → server
    {"type": "hello", "last_id": N, "fragments": [{"name", "key"}, …]}
        on every (re)connect: N = newest id the page has; `fragments` (optional)
        lists the live fragments the page shows (core.live_fragments)
    {"type": "ping", "last_id": N}    heartbeat (≤ 30 s); also asks for rows newer than N
        (may carry `fragments` again when the page changed, e.g. after an htmx swap)

server → client
    {"type": "notification", "id", "level", "title", "body", "url", "html"}
    {"type": "update", "kind", "html"}
    {"type": "ready", "last_id"}       after the hello catch-up
    {"type": "pong", "last_id"}

`html` holds server-rendered fragments with hx-swap-oob (bell count, toast,
banner, live values); the client swaps them with htmx. The heartbeat's
catch-up is what delivers notifications stored by other processes (operator
commands, a second server) when the channel layer is in-memory.

Live fragments are always rendered here from fresh state: a push
(`live.update`) names the fragment and its key, `hello` re-sends every
fragment the page listed before `ready` (so a reconnect restores them), and
so does a heartbeat whose catch-up found new rows: those were stored by a
process whose pushes (hints included) can't reach this one.

A socket lives no longer than the access token it was opened with: once that
token expires (seen at the next heartbeat or event) the socket closes with
4001, the client refreshes its cookies with a normal request and reconnects.
Signing out and deactivation close it at once (notifications.services
`close_user_sockets` / `recheck_access`, group `sockets.<user id>`), with 4001
too: the refresh then fails and the page goes to the sign-in page.

Frames that are not small JSON objects with valid fields (binary, 1e999,
deep nesting, wrong types) are ignored; they never crash the socket.
"""

import asyncio
import logging
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.ws_auth import token_expiry
from core import live_fragments
from core.websockets import BadFrame, CrashGuard, as_id, parse_object

from . import queries
from .models import Notification
from .services import sockets_group, unread_count, user_group

logger = logging.getLogger(__name__)

# The client refreshes its cookies, then reconnects; a signed-out browser's
# refresh fails and it goes to the sign-in page instead.
CLOSE_TOKEN_EXPIRED = 4001
MAX_FRAME_CHARS = 4096  # client frames are small JSON objects (hello lists fragments)
MAX_PAGE_FRAGMENTS = 60  # a page of 20 sessions: counts, room presence, badges
MIN_CATCH_UP_SECONDS = 1.0  # a flood of pings costs at most one query a second


def _now() -> float:
    return time.time()


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


def render_fragments(user, page: list[tuple[str, dict]]) -> list[dict]:
    """`update` frames for the page's fragments, each from fresh state; a
    fragment the user may not see (state None) or an unknown one sends nothing."""
    frames = []
    with timezone.override(user.tzinfo):
        for name, key in page:
            html = live_fragments.render(user, name, key)
            if html and html.strip():
                frames.append({"type": "update", "kind": name, "html": html})
    return frames


@database_sync_to_async
def _catch_up(user, after: int) -> list[dict]:
    return render_notifications(user, queries.newer_than(user, after))


@database_sync_to_async
def _one(user, pk: int) -> list[dict]:
    return render_notifications(user, list(Notification.objects.filter(pk=pk, user=user)))


# Every open socket of a user gets the same `notification.created` event at
# about the same time. They share one read and render of it in this process
# (the row, the unread count, the template) instead of one each: with five
# tabs open that was five pairs of queries and five renders, one after the other on
# the single database thread, the last tab's frame waiting for all of them.
SHARED_RENDER_SECONDS = 1.0  # how long a finished render is reused
_shared_renders: dict[tuple[int, int], asyncio.Future] = {}


async def _one_shared(user, pk: int) -> list[dict]:
    """`_one(user, pk)`, read and rendered once for every socket of the user
    in this process that asks within SHARED_RENDER_SECONDS."""
    key = (user.pk, pk)
    loop = asyncio.get_running_loop()
    future = _shared_renders.get(key)
    if future is None or future.get_loop() is not loop:
        future = loop.create_task(_one(user, pk))
        _shared_renders[key] = future

        def forget(_done, key=key, future=future):
            loop.call_later(SHARED_RENDER_SECONDS, _forget_render, key, future)

        future.add_done_callback(forget)
    # shield: a socket that closes while waiting doesn't cancel the others' render
    return await asyncio.shield(future)


def _forget_render(key: tuple[int, int], future: asyncio.Future) -> None:
    if _shared_renders.get(key) is future:
        del _shared_renders[key]


@database_sync_to_async
def _fragments(user, page: list[tuple[str, dict]]) -> list[dict]:
    return render_fragments(user, page)


@database_sync_to_async
def _is_active(user_id: int) -> bool:
    return get_user_model().objects.filter(pk=user_id, is_active=True).exists()


class UserConsumer(CrashGuard, AsyncJsonWebsocketConsumer):
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
        self.page: list[tuple[str, dict]] = []  # live fragments the page shows
        # user.<id>: notifications and live values; sockets.<id>: access changes.
        self.joined_groups = [user_group(user.pk), sockets_group(user.pk)]
        for group in self.joined_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "joined_groups", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _close(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=code)

    async def _closed_for_expiry(self) -> bool:
        """True (after closing with 4001) once the connection's token has expired."""
        if self.closing:
            return True
        if self.expires_at is not None and _now() >= self.expires_at:
            await self._close(CLOSE_TOKEN_EXPIRED)
            return True
        return False

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = parse_object(text_data, max_chars=MAX_FRAME_CHARS)
        except BadFrame:
            return  # binary, oversize or garbage frames are ignored, not fatal
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if await self._closed_for_expiry():
            return
        kind = content.get("type")
        if kind not in ("hello", "ping"):
            return
        # Anything but a non-negative integer in range counts as "nothing yet".
        last_id = as_id(content.get("last_id"), default=0)
        if kind == "hello" or self.floor is None:
            self.floor = last_id
        self.watermark = max(self.watermark, last_id)
        if kind == "hello" or "fragments" in content:
            self.page = live_fragments.parse_page(
                content.get("fragments"), limit=MAX_PAGE_FRAGMENTS
            )
        now = time.monotonic()
        if now - self.last_catch_up >= MIN_CATCH_UP_SECONDS:
            self.last_catch_up = now
            delivered = await self._deliver(await _catch_up(self.user, self.watermark))
            if kind == "hello" or delivered:
                await self._send_page()  # the current state of every live value shown
        reply = "ready" if kind == "hello" else "pong"
        await self.send_json({"type": reply, "last_id": self.watermark})

    async def _deliver(self, frames: list[dict]) -> int:
        """Send the notification frames not delivered yet; returns how many."""
        delivered = 0
        for frame in frames:
            pk = frame["id"]
            if pk in self.sent or (self.floor is not None and pk <= self.floor):
                continue
            self.sent.append(pk)
            self.watermark = max(self.watermark, pk)
            await self.send_json(frame)
            delivered += 1
        return delivered

    async def _send_page(self) -> None:
        if self.page:
            for frame in await _fragments(self.user, self.page):
                await self.send_json(frame)

    # --- channel layer events (sent by notifications.services) ---

    async def notification_created(self, event):
        if await self._closed_for_expiry():
            return
        if self.floor is None:
            return  # the hello catch-up will include it
        pk = as_id(event.get("id"))
        if pk is None or pk in self.sent or pk <= self.floor:
            return
        await self._deliver(await _one_shared(self.user, pk))

    async def live_update(self, event):
        """A hint that fragment `name` (with `key`) changed: render it fresh."""
        if await self._closed_for_expiry():
            return
        fragment = live_fragments.get(event.get("name"))
        key = live_fragments.clean_key(fragment, event.get("key")) if fragment else None
        if key is None:
            logger.warning("live update for %r dropped", event.get("name"))
            return
        for frame in await _fragments(self.user, [(fragment.name, key)]):
            await self.send_json(frame)

    async def access_check(self, event):
        """Something about the user changed: a deactivated account closes."""
        if not self.closing and not await _is_active(self.user.pk):
            await self._close(CLOSE_TOKEN_EXPIRED)

    async def access_revoked(self, event):
        """Signed out: close now, not at the token's expiry."""
        await self._close(CLOSE_TOKEN_EXPIRED)
