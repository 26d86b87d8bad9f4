"""Live fragments of requests_app (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from django.db.models import Count, Max

from core.live_fragments import register

from .models import SessionRequest
from .queries import pending_count

REQUESTS_BADGE_TEMPLATE = "requests_app/live/requests_badge.html"
REQUESTS_VERSION_TEMPLATE = "requests_app/live/requests_version.html"


def requests_badge_state(user) -> dict | None:
    """The mentor's pending requests (the Requests tab badge); learners have none."""
    if not getattr(user, "is_mentor", False):
        return None
    return {"count": pending_count(user.pk)}


def requests_version(mentor_id: int) -> str:
    """A stamp of the mentor's pending requests (count and newest id; one query)."""
    row = SessionRequest.objects.filter(
        mentor_id=mentor_id, status=SessionRequest.Status.PENDING
    ).aggregate(count=Count("pk"), newest=Max("pk"))
    return f"{row['count']}.{row['newest'] or 0}"


def requests_version_state(user) -> dict | None:
    """The Requests tab's stamp: a page showing an older one reloads its list
    (static/js/live_refresh.js), e.g. when a learner sends a request."""
    if not getattr(user, "is_mentor", False):
        return None
    return {"version": requests_version(user.pk)}


def register_fragments() -> None:
    register("requests_badge", REQUESTS_BADGE_TEMPLATE, requests_badge_state)
    register("requests_version", REQUESTS_VERSION_TEMPLATE, requests_version_state)
