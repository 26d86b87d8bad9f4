"""Reads for session requests, with constant query counts."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from core import cache
from sessions_app import queries as sessions_queries
from sessions_app.models import Session

from .models import SessionRequest

Status = SessionRequest.Status
FILTERS = [("pending", "Pending"), ("answered", "Answered")]
FILTER_STATUSES = {
    "pending": [Status.PENDING],
    "answered": [Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN, Status.EXPIRED],
}


def get_request_for_mentor(user, pk) -> SessionRequest:
    """A request addressed to this mentor; anyone else's is "not found" (404)."""
    try:
        return SessionRequest.objects.select_related(
            "learner", "mentor", "mentor__mentor_profile"
        ).get(pk=int(pk), mentor_id=user.pk)
    except (SessionRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc


def get_request_for_learner(user, pk) -> SessionRequest:
    """A request this learner sent; anyone else's is "not found" (404)."""
    try:
        return SessionRequest.objects.select_related("learner", "mentor").get(
            pk=int(pk), learner_id=user.pk
        )
    except (SessionRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc


def pending_count(mentor_or_id) -> int:
    mentor_id = getattr(mentor_or_id, "pk", mentor_or_id)
    return SessionRequest.objects.filter(mentor_id=mentor_id, status=Status.PENDING).count()


def filter_counts(mentor, page: Page | None = None) -> dict[str, int]:
    """Pending / Answered counts in one query; with the `requests_page()` shown
    beside them, cached under its key (they change with the same writes)."""
    return cache.cached_with_page(
        page,
        "counts",
        lambda: SessionRequest.objects.filter(mentor=mentor).aggregate(
            **{key: Count("pk", filter=Q(status__in=sts)) for key, sts in FILTER_STATUSES.items()}
        ),
    )


def mentor_requests(mentor, which: str = "pending") -> QuerySet[SessionRequest]:
    """Requests addressed to the mentor: pending oldest-waiting last, newest first."""
    statuses = FILTER_STATUSES.get(which, FILTER_STATUSES["pending"])
    rows = SessionRequest.objects.filter(mentor=mentor, status__in=statuses).select_related(
        "learner"
    )
    if which == "answered":
        return rows.order_by("-answered_at", "-pk")
    return rows.order_by("-created_at", "-pk")


def requests_page(mentor, which: str, number, per_page: int) -> Page:
    """A page of `mentor_requests()`; its rendered rows are cached until the mentor's
    data changes, or the minute turns (ages and passed times are at most that old)."""
    rows = mentor_requests(mentor, which)
    return cache.cached_page(mentor, "requests.rows", rows, per_page, number, which)


def api_requests(mentor, status: str | None = None) -> QuerySet[SessionRequest]:
    rows = SessionRequest.objects.filter(mentor=mentor).select_related(
        "learner", "mentor", "mentor__mentor_profile"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def learner_requests(learner, *, limit: int | None = None) -> QuerySet[SessionRequest]:
    rows = (
        SessionRequest.objects.filter(learner=learner)
        .select_related("learner", "mentor", "mentor__mentor_profile", "session")
        .order_by("-created_at", "-pk")
    )
    return rows[:limit] if limit else rows


def overlapping_sessions(mentor, start: datetime, duration_minutes: int) -> list[Session]:
    """The mentor's scheduled/live sessions that overlap [start, start + duration).

    The same query that refuses an overlapping time when the request is accepted.
    """
    return sessions_queries.overlapping_sessions(mentor, start, duration_minutes)
