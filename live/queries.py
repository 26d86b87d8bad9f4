"""Reads for the ended room: the mentor's summary of the call (duration,
attendance, chat messages), and whether a learner is offered "Rate this session".

Attendance comes from what the room stored while it was open: Presence rows
(one per connection, with join and leave times) and `Booking.joined_at` (the
first join, stamped once by `services.record_join`), which made the booking
"attended" when the session completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import DomainError
from sessions_app.models import Booking, Session
from sessions_app.services.reviews import check_can_review, review_url

from .models import ChatMessage, Presence


@dataclass(frozen=True)
class Attendee:
    name: str
    seconds: int  # time in the call; overlapping connections (two tabs) count once

    @property
    def label(self) -> str:
        return duration_label(self.seconds)


@dataclass(frozen=True)
class CallSummary:
    started_at: datetime
    ended_at: datetime
    seconds: int
    attended: list[Attendee]
    absent: list[str]  # booked learners who never joined
    messages: int = 0  # chat messages posted in the room

    @property
    def label(self) -> str:
        return duration_label(self.seconds)

    @property
    def booked(self) -> int:
        return len(self.attended) + len(self.absent)


def duration_label(seconds: int) -> str:
    """45 min, 1 h 5 min; a few seconds read as "under 1 min"."""
    minutes = int(seconds) // 60
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def time_in_call(intervals: list[tuple[datetime, datetime | None]], start, end) -> int:
    """Seconds covered by the intervals inside [start, end], overlaps merged."""
    clipped = sorted((max(joined, start), min(left or end, end)) for joined, left in intervals)
    total, reach = timedelta(0), start
    for joined, left in clipped:
        joined = max(joined, reach)
        if left > joined:
            total += left - joined
            reach = left
    return int(total.total_seconds())


def call_summary(session: Session) -> CallSummary | None:
    """How long the call ran and which booked learners were in it (completed sessions)."""
    if session.status != Session.Status.COMPLETED:
        return None
    rows = list(
        Presence.objects.filter(session=session).values_list("user_id", "joined_at", "left_at")
    )
    start = session.started_at or min((r[1] for r in rows), default=session.starts_at)
    end = session.ended_at or session.updated_at
    bookings = (
        Booking.objects.filter(
            session=session, status__in=(Booking.Status.ATTENDED, Booking.Status.NO_SHOW)
        )
        .select_related("learner")
        .order_by("joined_at", "created_at")
    )
    attended, absent = [], []
    for booking in bookings:
        name = booking.learner.display_name
        if booking.status != Booking.Status.ATTENDED:
            absent.append(name)
            continue
        mine = [(joined, left) for user_id, joined, left in rows if user_id == booking.learner_id]
        attended.append(Attendee(name, time_in_call(mine, start, end)))
    seconds = max(int((end - start).total_seconds()), 0)
    messages = ChatMessage.objects.filter(session=session).count()
    return CallSummary(start, end, seconds, attended, absent, messages)


def rate_url(learner, session: Session) -> str:
    """The review form's URL when the learner may rate the session now, else ""."""
    try:
        check_can_review(learner, session)
    except DomainError:
        return ""
    return review_url(session.pk)
