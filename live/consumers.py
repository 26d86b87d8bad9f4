"""Room signaling: `/ws/live/<session id>/`, group `live.<session id>`.

The consumer relays WebRTC signaling between the members of one session and
records their presence; it never sees media. Protocol (JSON text frames,
each at most 64 KB):

client → server
    {"type": "join", "client": "<per-page id>"}      enter the call
    {"type": "offer"|"answer", "to": peer, "data": {"type", "sdp"}}
    {"type": "ice", "to": peer, "data": {candidate…} | null}
    {"type": "state", "data": {"audio": bool, "video": bool, "screen": bool}}
    {"type": "leave"}                                 leave the call (socket stays)
    {"type": "end"}                                   mentor: end for everyone
    {"type": "ping"}                                  heartbeat (keeps presence fresh)
    {"type": "chat", "text": "…"}                     a chat message (live/chat.py)
    {"type": "sfu"}                                   group session: a fresh Janus ticket

server → client
    {"type": "hello", "session": status, "you": {...},
     "chat": [message…]}                                        on connect (recent chat)
    {"type": "welcome", "peer": own id, "peers": [...]}         after join
    {"type": "join", "from": peer, "user_id", "name", "role"}  someone entered
    {"type": "offer"|"answer"|"ice", "from": peer, "data"}     addressed to you only
    {"type": "state", "from": peer, "data"}                    someone's media state
    {"type": "state", "session": status}                       the session changed
    {"type": "leave", "from": peer, "name", "reason"}          left | disconnected | replaced
    {"type": "pong", "session": status}
    {"type": "chat", "message": {id, author, author_name, text, created_at}}  to everyone
    {"type": "error", "code", "message"}
    {"type": "sfu", "url", "room", "token", "pin", "iceServers"}  after "welcome" in a
        group session on Janus (live/sfu.py): this page's ticket into the room

Close codes (Daphne sends only 1000 and 3000–4999): 4001 token expired or
signed out (refresh over HTTP, then reconnect), 4003 access lost (booking
cancelled, account deactivated), 4009 replaced by another page, 4010 session
over, 4011 unexpected server error, 4013 message too big, 4015 binary frame,
4029 too many messages.

Access is checked on connect, re-checked when a write pushes "access.check"
(notifications.services.recheck_access: booking or session cancelled,
deactivation) and on a slow heartbeat as a safety net; "access.revoked"
(signed out) closes at once. The token's expiry is checked on every message.
Presence is released in disconnect() however the socket ends.

A peer id is "<user id>-<per-page id>": stable across socket reconnects of
one page (media can survive a signaling blip), new after a reload.
"""

from __future__ import annotations

import json
import logging
import re
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from accounts.ws_auth import token_expiry
from core.errors import DomainError
from core.websockets import CLOSE_INTERNAL, BadFrame, CrashGuard, parse_object
from notifications.services import sockets_group
from sessions_app.models import Session

from . import chat, services, sfu

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
RATE_WINDOW_SECONDS = 10
RATE_MAX_MESSAGES = 600  # ICE trickle bursts stay far below this
ACCESS_RECHECK_SECONDS = 10  # heartbeat safety net behind the pushed re-checks
CLOSE_TOKEN_EXPIRED = 4001  # refresh the cookies over HTTP, then reconnect
CLOSE_FORBIDDEN = 4003  # no longer a member: don't reconnect
CLOSE_REPLACED = 4009  # the same person joined from another page
CLOSE_ENDED = 4010  # the session is over
CLOSE_TOO_BIG = 4013
CLOSE_UNSUPPORTED = 4015
CLOSE_RATE = 4029

ADDRESSED = {"offer", "answer", "ice"}
ALLOWED = ADDRESSED | {"join", "leave", "state", "end", "ping", "chat", "sfu"}
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{6,32}$")
_PEER_ID = re.compile(r"^\d{1,12}-[A-Za-z0-9_-]{6,32}$")


@database_sync_to_async
def _member(user, session_id: int):
    session = Session.objects.select_related("mentor").filter(pk=session_id).first()
    if session is None:
        return None
    return services.membership(user, session)


@database_sync_to_async
def _status(session_id: int) -> str:
    return Session.objects.filter(pk=session_id).values_list("status", flat=True).first() or ""


_access = database_sync_to_async(services.current_access)
_chat_history = database_sync_to_async(chat.recent_messages)
_post_chat = database_sync_to_async(chat.post_message)


def _now() -> float:
    return time.time()


class SignalingConsumer(CrashGuard, AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            if self.scope.get("auth_error") == "expired":
                await self.accept()
                await self.close(code=CLOSE_TOKEN_EXPIRED)
            else:
                await self.close()
            return
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        member = await _member(user, self.session_id)
        if member is None:
            await self.close()  # not a member: the handshake is refused (403)
            return
        self.user = user
        self.role = member.role
        self.transport = sfu.transport(member.session)
        self.name = user.display_name
        self.peer_id = ""  # set by "join"
        self.closing = False
        self.expires_at = token_expiry(self.scope)
        self.checked_at = time.monotonic()
        self.group = services.room_group(self.session_id)
        self.groups_joined = [self.group, sockets_group(user.pk)]
        self.window_start = time.monotonic()
        self.window_count = 0
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self._send(
            {
                "type": "hello",
                "session": member.session.status,
                "you": {"user_id": user.pk, "name": self.name, "role": self.role},
                "chat": await _chat_history(self.session_id),  # catch up on (re)connect
            }
        )

    async def disconnect(self, code):
        """However the socket ends (even after an error), its presence is released."""
        if not hasattr(self, "group"):
            return
        try:
            for group in self.groups_joined:
                await self.channel_layer.group_discard(group, self.channel_name)
        finally:
            await self._release("disconnected")

    async def crashed(self):
        await self._shut(CLOSE_INTERNAL, "disconnected")

    async def _shut(self, code: int, reason: str | None = None) -> None:
        """Close once; with a reason, the others hear at once that we left."""
        if getattr(self, "closing", False):
            return
        self.closing = True
        if reason and hasattr(self, "group"):
            await self._release(reason)
        await self.close(code=code)

    # --- incoming ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        if self.expires_at is not None and _now() >= self.expires_at:
            # Peers keep the media a moment ("disconnected"): the page refreshes
            # its cookies and rejoins with the same peer id.
            await self._shut(CLOSE_TOKEN_EXPIRED)
            return
        if not self._within_rate():
            await self._error("rate", "Too many messages.")
            await self._shut(CLOSE_RATE, "disconnected")
            return
        if bytes_data is not None or text_data is None:
            await self._error("binary", "Only JSON text messages are accepted.")
            await self._shut(CLOSE_UNSUPPORTED, "disconnected")
            return
        if len(text_data.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
            await self._error("too_large", "Messages are limited to 64 KB.")
            await self._shut(CLOSE_TOO_BIG, "disconnected")
            return
        try:
            message = parse_object(text_data, max_chars=MAX_MESSAGE_BYTES)
        except BadFrame:
            await self._error("malformed", "Messages must be JSON objects.")
            return
        kind = message.get("type")
        if not isinstance(kind, str) or kind not in ALLOWED:
            await self._error("unknown_type", "Unknown message type.")
            return
        await getattr(self, f"_on_{kind}")(message)

    def _within_rate(self) -> bool:
        now = time.monotonic()
        if now - self.window_start > RATE_WINDOW_SECONDS:
            self.window_start, self.window_count = now, 0
        self.window_count += 1
        return self.window_count <= RATE_MAX_MESSAGES

    async def _on_ping(self, message):
        due = time.monotonic() - self.checked_at >= ACCESS_RECHECK_SECONDS
        if due and not await self._still_allowed():
            return
        if self.peer_id and not await database_sync_to_async(services.touch)(self.channel_name):
            # The stale-presence job closed us (e.g. a long freeze): join again.
            await self._record_join()
        await self._send({"type": "pong", "session": await _status(self.session_id)})

    async def _on_join(self, message):
        if not await self._still_allowed(ended_closes=False):
            return
        status = await _status(self.session_id)
        if status != Session.Status.LIVE:
            await self._send({"type": "state", "session": status})
            await self._error("not_live", "The session is not live.")
            return
        client = message.get("client")
        if not isinstance(client, str) or not _CLIENT_ID.match(client):
            await self._error("bad_client", "join needs a client id (6–32 letters/digits).")
            return
        peer_id = f"{self.user.pk}-{client}"
        if self.peer_id and self.peer_id != peer_id:
            await self._leave("left")
        self.peer_id = peer_id
        await self._record_join()

    async def _record_join(self):
        replaced = await database_sync_to_async(services.record_join)(
            self.user, self.session_id, self.channel_name, self.peer_id
        )
        for row in replaced:
            await self.channel_layer.send(row.channel_name, {"type": "room.replaced"})
            if row.peer_id != self.peer_id:
                await self._broadcast(
                    "leave", {"name": self.name, "reason": "replaced"}, row.peer_id
                )
        peers = await database_sync_to_async(services.open_peers)(
            self.session_id, exclude_channel=self.channel_name
        )
        peers = [p for p in peers if p["peer"] != self.peer_id]
        await self._send({"type": "welcome", "peer": self.peer_id, "peers": peers})
        if self.transport == sfu.SFU:
            await self._send_ticket()
        await self._broadcast(
            "join", {"user_id": self.user.pk, "name": self.name, "role": self.role}
        )

    async def _send_ticket(self):
        """Group sessions: this page's way into the Janus room (live/sfu.py)."""
        try:
            rtc = await database_sync_to_async(services.rtc_config)(self.user)
            await self._send(await sfu.ticket(self.session_id, self.user, rtc["iceServers"]))
        except Exception:
            logger.exception("live: no Janus ticket for session %s", self.session_id)
            await self._error(
                "sfu_unavailable", "The media server is not reachable. Retrying…"
            )  # the page asks again

    async def _on_sfu(self, message):
        """The page lost Janus (or its room, e.g. Janus restarted): a fresh ticket,
        which also re-creates the room."""
        if not self.peer_id:
            await self._error("not_joined", "Join the call first.")
            return
        if self.transport != sfu.SFU:
            await self._error("not_sfu", "This session's call is peer-to-peer.")
            return
        if await self._still_allowed():
            await self._send_ticket()

    async def _evict(self):
        """Access lost in a group session: out of the Janus room too, not only the socket."""
        if self.transport != sfu.SFU:
            return
        try:
            await sfu.evict(self.session_id, self.user.pk)
        except Exception:
            logger.exception("live: evicting user %s from Janus failed", self.user.pk)

    async def _on_leave(self, message):
        if self.peer_id:
            await self._leave("left")

    async def _leave(self, reason: str):
        peer_id, self.peer_id = self.peer_id, ""
        await database_sync_to_async(services.record_leave)(self.channel_name)
        await self._broadcast("leave", {"name": self.name, "reason": reason}, peer_id)

    async def _release(self, reason: str) -> None:
        """Close this connection's presence (idempotent) and tell the call."""
        if self.peer_id:
            await self._leave(reason)
        else:
            await database_sync_to_async(services.record_leave)(self.channel_name)

    async def _still_allowed(self, *, ended_closes: bool = True) -> bool:
        """Re-read access from the database; close (and say why) when it is gone."""
        if self.closing:
            return False
        self.checked_at = time.monotonic()
        status = await _access(self.user.pk, self.session_id)
        if status is None:
            await self._error("access_lost", "You no longer have access to this session.")
            await self._evict()
            await self._shut(CLOSE_FORBIDDEN, "left")
            return False
        if ended_closes and status in services.ENDED_STATUSES:
            await self._send({"type": "state", "session": status})
            await self._shut(CLOSE_ENDED, "left")
            return False
        return True

    async def _on_state(self, message):
        if not self.peer_id:
            await self._error("not_joined", "Join the call first.")
            return
        data = message.get("data")
        if not isinstance(data, dict):
            await self._error("bad_payload", "state needs a data object.")
            return
        clean = {k: bool(data.get(k)) for k in ("audio", "video", "screen") if k in data}
        await self._broadcast("state", {"data": clean})

    async def _on_end(self, message):
        if self.role != "mentor":
            await self._error("forbidden", "Only the mentor can end the session.")
            return
        try:
            await database_sync_to_async(_end)(self.user, self.session_id)
        except DomainError as exc:
            await self._error("conflict", exc.message)

    async def _on_chat(self, message):
        """Store first; the broadcast (room_chat) goes out after the commit."""
        try:
            await _post_chat(self.user, self.session_id, message.get("text"))
        except chat.ChatError as exc:
            await self._error(exc.code, exc.message)

    async def _on_offer(self, message):
        await self._relay(message)

    _on_answer = _on_offer
    _on_ice = _on_offer

    async def _relay(self, message):
        if not self.peer_id:
            await self._error("not_joined", "Join the call first.")
            return
        to = message.get("to")
        data = message.get("data")
        if not isinstance(to, str) or not _PEER_ID.match(to) or to == self.peer_id:
            await self._error("bad_peer", "Address the message to another peer.")
            return
        if message["type"] == "ice":
            valid = data is None or isinstance(data, dict)
        else:
            valid = isinstance(data, dict) and isinstance(data.get("sdp"), str)
        if not valid:
            await self._error("bad_payload", f"Malformed {message['type']}.")
            return
        await self.channel_layer.group_send(
            self.group,
            {
                "type": "room.signal",
                "kind": message["type"],
                "from": self.peer_id,
                "to": to,
                "data": data,
            },
        )

    # --- group events -------------------------------------------------------------------

    async def _broadcast(self, kind: str, extra: dict, from_peer: str | None = None):
        await self.channel_layer.group_send(
            self.group,
            {"type": "room.signal", "kind": kind, "from": from_peer or self.peer_id, **extra},
        )

    async def room_signal(self, event):
        if self.closing:
            return
        sender = event.get("from")
        to = event.get("to")
        if to is not None:
            if to != self.peer_id:
                return  # addressed to someone else: never leaves the server
        elif not self.peer_id or sender == self.peer_id:
            return  # broadcasts reach the others in the call
        frame = {k: v for k, v in event.items() if k not in ("type", "kind", "to")}
        frame["type"] = event["kind"]
        await self._send(frame)

    async def room_state(self, event):
        state = event.get("state", "")
        await self._send({"type": "state", "session": state})
        if state in (Session.Status.COMPLETED, Session.Status.CANCELLED):
            self.peer_id = ""  # presence was closed by the service
            await self._shut(CLOSE_ENDED)

    async def room_chat(self, event):
        """A stored chat message: every page of the room shows it, in the call or not."""
        if not self.closing:
            await self._send({"type": "chat", "message": event.get("message")})

    async def room_gone(self, event):
        """The stale-presence job closed a silent peer."""
        peer = event.get("peer")
        if peer == self.peer_id:
            return
        if self.peer_id:
            await self._send({"type": "leave", "from": peer, "reason": "disconnected"})

    async def room_replaced(self, event):
        self.peer_id = ""  # the new connection owns the presence now
        await self._send({"type": "state", "session": "replaced"})
        await self._shut(CLOSE_REPLACED)

    async def access_check(self, event):
        """A write may have taken our access away (notifications.services.recheck_access)."""
        await self._still_allowed()

    async def access_revoked(self, event):
        """Signed out: leave the call and close now, not at the token's expiry."""
        await self._shut(CLOSE_TOKEN_EXPIRED, "left")

    # --- helpers ----------------------------------------------------------------------------

    async def _send(self, frame: dict):
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def _error(self, code: str, message: str):
        await self._send({"type": "error", "code": code, "message": message})


def _end(user, session_id: int) -> None:
    session = Session.objects.select_related("mentor").get(pk=session_id)
    services.end_room(user, session)
