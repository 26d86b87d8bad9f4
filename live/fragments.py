"""Live fragments of the live app (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from core.live_fragments import register
from sessions_app.models import Session

from .services import room_names

ROOM_PRESENCE_TEMPLATE = "live/live/room_presence.html"


def room_presence_state(user, session_id: int) -> dict | None:
    """Who is in the room of one of the user's own sessions (mentor's dashboard)."""
    session = Session.objects.filter(pk=session_id, mentor_id=user.pk).first()
    if session is None:
        return None
    names = room_names(session) if session.status == Session.Status.LIVE else []
    return {"session_id": session_id, "names": names}


def register_fragments() -> None:
    register("room_presence", ROOM_PRESENCE_TEMPLATE, room_presence_state, keys=("session_id",))
