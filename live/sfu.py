"""Group sessions on the media server (Janus VideoRoom).

A session with more learners than the mesh limit uses Janus when it is
configured (`transport`). Its room is created on the first join (one
`JanusRoom` row: random id, our secret), every member who joins over the
signaling socket gets a ticket (a signed Janus token and a fresh entry on the
room's allowed list: `ticket`), and the room is destroyed when the session
ends (`destroy_when_completed`, on `session_completed`). Janus itself: live/janus.py.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import threading

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions_app import rules as session_rules
from sessions_app.models import Session

from . import janus
from .models import JanusRoom

logger = logging.getLogger(__name__)

MESH = "mesh"
SFU = "sfu"


def transport(session: Session) -> str:
    """ "sfu" above the mesh limit when Janus is configured; else peer-to-peer."""
    if session.capacity > settings.LIVE_MESH_LIMIT and session_rules.sfu_configured():
        return SFU
    return MESH


def room_for(session_id: int) -> JanusRoom:
    """The session's Janus room row, created once (two first joins race safely)."""
    row = JanusRoom.objects.filter(session_id=session_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return JanusRoom.objects.create(
                session_id=session_id, room_id=janus.new_room_id(), secret=janus.new_secret()
            )
    except IntegrityError:
        return JanusRoom.objects.get(session_id=session_id)


def _client() -> janus.Janus:
    return janus.Janus(settings.JANUS_URL, settings.JANUS_API_SECRET)


def _publishers(capacity: int) -> int:
    # Everyone may publish a camera and a screen.
    return 2 * (capacity + 1)


async def ensure_room(row: JanusRoom, capacity: int, title: str, *, allowed=()) -> None:
    """Create the room on Janus unless it exists (427: a concurrent join made it)."""
    async with _client() as client:
        await _ensure(client, row, capacity, title, list(allowed))


async def _ensure(client: janus.Janus, row: JanusRoom, capacity: int, title: str, allowed) -> None:
    if await client.exists(row.room_id):
        if allowed:
            await client.allow(row.room_id, row.secret, allowed)
        return
    try:
        await client.create_room(
            row.room_id,
            row.secret,
            publishers=_publishers(capacity),
            description=title,
            allowed=allowed,
        )
    except janus.JanusError as exc:
        if exc.code != 427:  # JANUS_VIDEOROOM_ERROR_ROOM_EXISTS
            raise
        if allowed:
            await client.allow(row.room_id, row.secret, allowed)


@database_sync_to_async
def _room_and_session(session_id: int) -> tuple[JanusRoom, Session]:
    session = Session.objects.get(pk=session_id)
    return room_for(session_id), session


async def ticket(session_id: int, user, ice_servers: list[dict]) -> dict:
    """What a member's page needs to enter the Janus room (sent over our socket only).

    `token`: a signed Janus core token (JANUS_TOKEN_TTL_SECONDS); `pin`: this
    member's entry on the room's allowed list (`member_pin`).
    """
    row, session = await _room_and_session(session_id)
    pin = member_pin(row, user.pk)
    await ensure_room(row, session.capacity, session.title, allowed=[pin])
    return {
        "type": "sfu",
        "url": settings.JANUS_PUBLIC_URL,
        "room": row.room_id,
        "token": janus.sign_token(settings.JANUS_API_SECRET, settings.JANUS_TOKEN_TTL_SECONDS),
        "pin": pin,
        "iceServers": ice_servers,
    }


def member_pin(row: JanusRoom, user_id: int) -> str:
    """A member's entry on the room's allowed list: derived from the room's secret,
    so the server can take it back (`evict`) without remembering it; unguessable
    without the secret."""
    digest = hmac.new(row.secret.encode(), f"member:{user_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode()


async def evict(session_id: int, user_id: int) -> int:
    """A member lost access: their pin leaves the allowed list and every feed of
    theirs is kicked out of the room. Returns how many participants were kicked."""
    row = await database_sync_to_async(
        lambda: JanusRoom.objects.filter(session_id=session_id, destroyed_at__isnull=True).first()
    )()
    if row is None:
        return 0
    kicked = 0
    async with _client() as client:
        await client.disallow(row.room_id, row.secret, [member_pin(row, user_id)])
        for person in await client.participants(row.room_id, row.secret):
            if _display_user(person.get("display")) == user_id:
                with contextlib.suppress(janus.JanusError):  # left meanwhile
                    await client.kick(row.room_id, row.secret, person["id"])
                    kicked += 1
    return kicked


def _display_user(display) -> int | None:
    """Pages publish with display JSON {peer, kind, user_id, …} (sfu.js)."""
    try:
        info = json.loads(display or "")
        return int(info["user_id"])
    except (ValueError, TypeError, KeyError):
        return None


async def destroy(session_id: int) -> bool:
    """Destroy the session's Janus room (everyone in it is kicked); True if there was one."""
    row = await database_sync_to_async(
        lambda: JanusRoom.objects.filter(session_id=session_id, destroyed_at__isnull=True).first()
    )()
    if row is None:
        return False
    async with _client() as client:
        await client.destroy_room(row.room_id, row.secret)
    await database_sync_to_async(
        lambda: JanusRoom.objects.filter(pk=row.pk).update(destroyed_at=timezone.now())
    )()
    return True


def _destroy_in_background(session_id: int) -> None:
    def run():
        try:
            asyncio.run(destroy(session_id))
        except Exception:  # Janus down: its non-permanent rooms die with it anyway
            logger.exception("live.sfu: destroying the Janus room of session %s failed", session_id)

    threading.Thread(target=run, name=f"janus-destroy-{session_id}", daemon=True).start()


def destroy_when_completed(sender=None, session: Session | None = None, **kwargs) -> None:
    """`session_completed` receiver: "End session for everyone" (or the job) destroys
    the Janus room after commit."""
    if session is None or not session_rules.sfu_configured():
        return
    if not JanusRoom.objects.filter(session=session, destroyed_at__isnull=True).exists():
        return
    transaction.on_commit(lambda: _destroy_in_background(session.pk))


def session_saved(sender, instance: Session, raw: bool = False, **kwargs) -> None:
    """post_save: a cancelled (or otherwise ended) session's Janus room goes too."""
    if not raw and instance.status in (Session.Status.COMPLETED, Session.Status.CANCELLED):
        destroy_when_completed(session=instance)
