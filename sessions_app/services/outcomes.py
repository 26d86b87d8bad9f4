"""The outcome service: what happens to seats and money when plans change.

Every outcome of the cancellation policy is applied here and nowhere else:

- `cancel_by_learner`: the learner cancels: everything back in the free window
  (or after the mentor moved the session), the late percentage after; the seat
  frees and goes to the first learner on the waitlist;
- `refund_all` (called by `lifecycle.cancel_and_release`): the mentor cancels, or
  never starts the session (mentor no-show, `jobs.cancel_unstarted_sessions`):
  every booked learner refunded in full;
- learner no-show: `lifecycle.end_session` marks the booking `no_show`; nothing
  is refunded and the mentor is credited at completion like an attended seat.

The refund arithmetic is `policies.rules` (through `booking_terms`); the
conditional UPDATE that cancels a booking stores its refund, so a booking is
refunded once however many cancels race. Money is recorded by the Earnings
app as append-only ledger entries, from `signals.booking_settled` sent here
inside the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from core.errors import ConflictError
from notifications.services import push_update, recheck_access
from policies import rules as policy_rules
from policies.queries import terms_for

from .. import messages as msg
from ..models import Booking, Session
from ..signals import booking_settled
from . import notices


def cancel_by_learner(learner, booking: Booking) -> Booking:
    """Give the seat back before the session starts, refunded per the mentor's policy."""
    if booking.learner_id != getattr(learner, "pk", None):
        raise Http404("No such booking.")
    session = booking.session
    if booking.status != Booking.Status.BOOKED:
        raise ConflictError(msg.BOOKING_ALREADY_CANCELLED)
    if session.status != Session.Status.SCHEDULED:
        raise ConflictError(msg.BOOKING_TOO_LATE_TO_CANCEL)
    from .waitlist import promote_waitlist

    with transaction.atomic():
        now = timezone.now()
        fresh = Booking.objects.select_related("session").get(pk=booking.pk)
        if fresh.session.status != Session.Status.SCHEDULED:
            raise ConflictError(msg.BOOKING_TOO_LATE_TO_CANCEL)
        terms = terms_for(fresh.session.mentor_id)
        outcome = policy_rules.learner_cancel_outcome(
            terms,
            fresh.session.starts_at,
            rescheduled_by_mentor=bool(fresh.rescheduled_by_mentor_at),
            now=now,
        )
        refund = policy_rules.refund_due(outcome, fresh.amount_paid, terms)
        won = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, cancelled_at=now, refund_amount=refund
        )
        if not won:
            raise ConflictError(msg.BOOKING_ALREADY_CANCELLED)
        fresh.status, fresh.cancelled_at, fresh.refund_amount = "cancelled", now, refund
        _send_settled([(fresh, outcome, refund)])
        Session.objects.filter(pk=session.pk, booked_count__gt=0).update(
            booked_count=F("booked_count") - 1
        )
        recheck_access([learner.pk])  # an open room socket closes: the seat is gone
        session.refresh_from_db(fields=["booked_count", "capacity", "status"])
        notices.booking_cancelled(session, learner)
        notices.banners_changed([learner.pk])  # their "starts in" banner goes with the seat
        promote_waitlist(session)  # the freed seat goes to the first learner waiting
        push_update(session.mentor_id, "participants", session_id=session.pk)
    booking.refresh_from_db()
    return booking


def refund_all(session: Session, outcome: str, now) -> list[Booking]:
    """Cancel every booked seat of `session` with a full refund (the mentor cancelled
    or never started it). Call inside the transaction whose conditional UPDATE moved
    the session to cancelled, so it runs once per session. Returns the bookings."""
    # Row locks (PostgreSQL; SQLite serialises writers anyway): a learner's cancel
    # racing this one waits, then finds the booking cancelled and refunds nothing.
    bookings = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(session=session, status=Booking.Status.BOOKED)
        .select_related("learner")
    )
    if not bookings:
        return []
    Booking.objects.filter(pk__in=[b.pk for b in bookings], status=Booking.Status.BOOKED).update(
        status=Booking.Status.CANCELLED, cancelled_at=now, refund_amount=F("amount_paid")
    )
    settled = []
    for booking in bookings:
        refund = policy_rules.refund_due(outcome, booking.amount_paid, policy_rules.DEFAULT_TERMS)
        booking.status, booking.cancelled_at, booking.refund_amount = "cancelled", now, refund
        settled.append((booking, outcome, refund))
    _send_settled(settled)
    return bookings


def _send_settled(settlements: list[tuple[Booking, str, Decimal]]) -> None:
    paid = [row for row in settlements if Decimal(row[0].amount_paid or 0) > 0]
    if paid:
        booking_settled.send(sender=Booking, settlements=paid)
