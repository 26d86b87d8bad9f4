"""Live fragments of notifications (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from core.live_fragments import register

from .queries import open_banners
from .services import unread_count

BELL_TEMPLATE = "notifications/live/bell.html"
BANNERS_TEMPLATE = "notifications/live/banners.html"


def bell_state(user) -> dict:
    """The unread count on the bell (every signed-in page)."""
    return {"count": unread_count(user)}


def banners_state(user) -> dict:
    """The urgent banners still open and true (#banners on every dashboard and
    learner page): pushed when one closes, re-sent on every reconnect."""
    return {"banners": open_banners(user)}


def register_fragments() -> None:
    register("bell", BELL_TEMPLATE, bell_state)
    register("banners", BANNERS_TEMPLATE, banners_state)
