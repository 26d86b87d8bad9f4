"""Live fragments of sessions_app (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from core.live_fragments import register

from .models import Session

PARTICIPANTS_TEMPLATE = "sessions_app/live/participants.html"
WAITLIST_TEMPLATE = "sessions_app/live/waitlist.html"


def participants_state(user, session_id: int) -> dict | None:
    """Booked / capacity of one of the user's own sessions; anyone else's: nothing."""
    row = (
        Session.objects.filter(pk=session_id, mentor_id=user.pk)
        .values("booked_count", "capacity")
        .first()
    )
    if row is None:
        return None
    return {"session_id": session_id, "booked": row["booked_count"], "capacity": row["capacity"]}


def waitlist_state(user, session_id: int) -> dict | None:
    """How many learners wait for a seat of one of the user's own sessions."""
    from .models import WaitlistEntry

    if not Session.objects.filter(pk=session_id, mentor_id=user.pk).exists():
        return None
    waiting = WaitlistEntry.objects.filter(session_id=session_id, status="waiting").count()
    return {"session_id": session_id, "waiting": waiting}


def register_fragments() -> None:
    register("participants", PARTICIPANTS_TEMPLATE, participants_state, keys=("session_id",))
    register("waitlist", WAITLIST_TEMPLATE, waitlist_state, keys=("session_id",))
