"""What a learner reviews before booking: time in their zone, price, cancellation terms.

Until mentors set their own cancellation policy (the Policies feature), every
session has the same terms: free cancellation until 24 hours before the start,
no refund after that. `cancellation_terms` is the one place that wording lives,
so the policy work replaces that function and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from core.formatting import local_time_label, zone_label

from .models import Booking, Session

FREE_CANCEL_HOURS = 24


def in_free_window(session: Session, now: datetime | None = None) -> bool:
    """True while a learner may still cancel for free or move a one-to-one."""
    now = now or timezone.now()
    return session.starts_at - now > timedelta(hours=FREE_CANCEL_HOURS)


def refund_for(booking: Booking, now: datetime | None = None) -> Decimal:
    """What a learner's cancel now refunds: all of it inside the free window, or
    whenever the mentor moved the session after the booking; nothing otherwise."""
    paid = Decimal(booking.amount_paid or 0).quantize(Decimal("0.01"))
    if booking.rescheduled_by_mentor_at or in_free_window(booking.session, now):
        return paid
    return Decimal("0.00")


def cancellation_terms(session: Session, learner) -> str:
    """The cancellation terms of `session`, with the deadline in the learner's zone."""
    if not session.price:
        return "Free session: cancel any time before it starts."
    deadline = session.starts_at - timedelta(hours=FREE_CANCEL_HOURS)
    if deadline <= timezone.now():
        return (
            f"Free cancellation has ended: the session starts within {FREE_CANCEL_HOURS} "
            "hours. If you cancel, there is no refund."
        )
    until = local_time_label(learner, deadline, zone=True)
    return f"Free cancellation until {until}; after that no refund."


@dataclass(frozen=True)
class BookingReview:
    """The facts shown in the confirmation step (dialog or page)."""

    learner_time: str  # "Tue 14 Jul, 09:00 BST"
    learner_zone: str  # "São Paulo (GMT−3)", the offset in force at the start
    mentor_time: str  # "" when the mentor's clock reads the same
    mentor_zone: str
    terms: str


def booking_review(session: Session, learner) -> BookingReview:
    learner_time = local_time_label(learner, session.starts_at, zone=True)
    mentor_time = local_time_label(session.mentor, session.starts_at, zone=True)
    return BookingReview(
        learner_time=learner_time,
        learner_zone=zone_label(learner.timezone, session.starts_at),
        mentor_time="" if mentor_time == learner_time else mentor_time,
        mentor_zone=zone_label(session.mentor.timezone, session.starts_at),
        terms=cancellation_terms(session, learner),
    )
