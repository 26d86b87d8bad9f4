"""What a learner reviews before booking: time in their zone, price, cancellation terms.

The terms are the mentor's cancellation policy (policies app: free cancellation
until `free_cancel_hours` before the start, `late_cancel_refund_percent` back
after that; 24 h and 50 % unless the mentor changed them). The arithmetic is
`policies.rules`; this module words it for learners and keeps the names other
code calls (`refund_for`, `in_free_window`, `cancellation_terms`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from core.formatting import local_time_label, zone_label
from policies import rules as policy_rules
from policies.queries import terms_for

from .models import Booking, Session

FREE_CANCEL_HOURS = policy_rules.DEFAULT_FREE_CANCEL_HOURS  # the default policy's window


def free_cancel_hours(session: Session) -> int:
    return terms_for(session.mentor_id).free_cancel_hours


def in_free_window(session: Session, now: datetime | None = None) -> bool:
    """True while a learner may still cancel for free or move a one-to-one."""
    terms = terms_for(session.mentor_id)
    return policy_rules.in_free_window(terms, session.starts_at, now or timezone.now())


def learner_cancel_outcome(booking: Booking, now: datetime | None = None) -> str:
    """Which policy outcome a learner's cancel now is (free, late, after a move)."""
    return policy_rules.learner_cancel_outcome(
        terms_for(booking.session.mentor_id),
        booking.session.starts_at,
        rescheduled_by_mentor=bool(booking.rescheduled_by_mentor_at),
        now=now or timezone.now(),
    )


def refund_for(booking: Booking, now: datetime | None = None) -> Decimal:
    """What a learner's cancel now refunds under the mentor's policy: all of it in
    the free window or whenever the mentor moved the session after the booking,
    the late percentage otherwise."""
    outcome = learner_cancel_outcome(booking, now)
    return policy_rules.refund_due(
        outcome, booking.amount_paid, terms_for(booking.session.mentor_id)
    )


def _percent_back(percent: int) -> str:
    if percent >= 100:
        return "a full refund"
    if percent <= 0:
        return "no refund"
    return f"{percent} % back"


def cancellation_terms(session: Session, learner, now: datetime | None = None) -> str:
    """The mentor's policy in plain words, the deadline in the learner's zone:
    "Free cancellation until Tue 14 Jul, 14:00 BST; after that 50 % back"."""
    if not session.price:
        return "Free session: cancel any time before it starts."
    terms = terms_for(session.mentor_id)
    late = _percent_back(terms.late_cancel_refund_percent)
    if terms.free_cancel_hours == 0:
        return "Free cancellation until the session starts."
    deadline = terms.free_until(session.starts_at)
    if deadline <= (now or timezone.now()):
        return (
            f"Free cancellation has ended: the session starts within "
            f"{terms.free_cancel_hours} hours. If you cancel now: {late}."
        )
    until = local_time_label(learner, deadline, zone=True)
    return f"Free cancellation until {until} your time; after that {late}."


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
