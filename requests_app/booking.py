"""One-to-one booking of a mentor's free slot (issue #20 point 3, CONTRACT.md
`/api/mentors/<id>/book/`).

Lives in requests_app because it ends in either of two things: with the mentor's
instant booking on, a private scheduled session with the learner booked (through
sessions_app.services.schedule_private_session); off, a pending request with that
time as first choice (create_request). sessions_app can't import requests_app.
The price follows the chosen duration (availability.pricing.price_for).

Race-free: a time the mentor's hours, notice and window don't offer is refused
(DomainError, 400); one they offer but a session (or its buffer) blocks is taken
(ConflictError, 409). Inside one transaction holding the mentor's row lock (SQLite:
the IMMEDIATE write lock) the slot is checked again against what committed
meanwhile, so of learners racing for one time exactly one wins and every other
one gets 409, whichever check sees the winner's session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import escape, linebreaks

from core.errors import ConflictError, DomainError
from core.timebounds import check_schedulable
from sessions_app.availability.models import Availability
from sessions_app.availability.pricing import price_for
from sessions_app.availability.slots import FREE, TAKEN, slot_state
from sessions_app.models import Booking, Session
from sessions_app.rules import DESCRIPTION_MAX
from sessions_app.services import notices, schedule_private_session

from . import messages as msg
from . import rules, services


@dataclass(frozen=True)
class Outcome:
    kind: str  # "booking" or "request"
    session: Session | None = None
    booking: Booking | None = None
    request: object | None = None


def _checked(learner, mentor, starts_at, duration_minutes, topic, message) -> dict:
    if not getattr(learner, "is_learner", False):
        raise DomainError(msg.ONLY_LEARNERS_REQUEST)
    return {
        "starts_at": check_schedulable(starts_at, field="starts_at"),
        "duration": rules.check_duration(duration_minutes, mentor),
        "topic": rules.check_topic(topic),
        "message": rules.check_message(message),
    }


def _instant(learner, mentor, data: dict) -> Outcome:
    description = f"<p>Booked by {escape(learner.display_name)}.</p>"
    if data["message"]:
        description += linebreaks(escape(data["message"]))
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=mentor.pk).exists()
        if slot_state(mentor, data["starts_at"], data["duration"]) != FREE:
            raise ConflictError(msg.SLOT_TAKEN, field="starts_at")
        try:
            session = schedule_private_session(
                mentor,
                learner,
                starts_at=data["starts_at"],
                duration_minutes=data["duration"],
                title=data["topic"][:200],
                topic=data["topic"][:100],
                description=description[:DESCRIPTION_MAX],
                price=price_for(mentor, data["duration"]),
            )
        except DomainError as error:
            if error.field != "starts_at":
                raise
            raise ConflictError(msg.SLOT_TAKEN, field="starts_at") from error
        notices.new_booking(session, learner)
    booking = Booking.objects.get(session=session, learner=learner)
    return Outcome("booking", session=session, booking=booking)


def book_slot(
    learner,
    mentor,
    *,
    starts_at: datetime,
    duration_minutes,
    topic: str,
    message: str = "",
) -> Outcome:
    """Book (instant booking on) or request (off) the mentor's free slot at `starts_at`."""
    data = _checked(learner, mentor, starts_at, duration_minutes, topic, message)
    state = slot_state(mentor, data["starts_at"], data["duration"])
    if state == TAKEN:
        raise ConflictError(msg.SLOT_TAKEN, field="starts_at")
    if state != FREE:
        raise DomainError(msg.NOT_A_FREE_SLOT, field="starts_at")
    instant = Availability.objects.filter(mentor=mentor, instant_booking=True).exists()
    if instant:
        return _instant(learner, mentor, data)
    request_obj = services.create_request(
        learner,
        mentor,
        topic=data["topic"],
        message=data["message"],
        preferred_times=[data["starts_at"]],
        duration_minutes=data["duration"],
    )
    return Outcome("request", request=request_obj)
