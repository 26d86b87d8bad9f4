"""Live fragments of requests_app (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from core.live_fragments import register

from .queries import pending_count

REQUESTS_BADGE_TEMPLATE = "requests_app/live/requests_badge.html"


def requests_badge_state(user) -> dict | None:
    """The mentor's pending requests (the Requests tab badge); learners have none."""
    if not getattr(user, "is_mentor", False):
        return None
    return {"count": pending_count(user.pk)}


def register_fragments() -> None:
    register("requests_badge", REQUESTS_BADGE_TEMPLATE, requests_badge_state)
