"""Live fragments of notifications (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from core.live_fragments import register

from .services import unread_count

BELL_TEMPLATE = "notifications/live/bell.html"


def bell_state(user) -> dict:
    """The unread count on the bell (every signed-in page)."""
    return {"count": unread_count(user)}


def register_fragments() -> None:
    register("bell", BELL_TEMPLATE, bell_state)
