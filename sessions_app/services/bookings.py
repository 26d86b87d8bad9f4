"""Learners' seats: book and cancel; capacity holds under races."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import ConflictError, DomainError
from notifications.services import push_update

from .. import messages as msg
from ..models import Booking, Session
from . import notices


def book_session(learner, session: Session) -> Booking:
    """Take a seat; capacity holds even when two learners race for the last one."""
    check_bookable(learner, session)
    try:
        with transaction.atomic():
            _take_seat(session)
            booking = Booking.objects.create(
                session=session, learner=learner, amount_paid=session.price
            )
            session.refresh_from_db(fields=["booked_count", "capacity"])
            push_update(session.mentor_id, "participants", session_id=session.pk)
            notices.new_booking(session, learner)
    except IntegrityError as exc:  # the one-active-booking constraint
        raise ConflictError(msg.ALREADY_BOOKED) from exc
    return booking


def check_bookable(learner, session: Session) -> None:
    """Raise DomainError/ConflictError unless `learner` may book a seat now.

    The confirmation step asks first; `book_session` asks again (and `_take_seat`
    settles the race for the last seat)."""
    if not getattr(learner, "is_learner", False):
        raise DomainError(msg.ONLY_LEARNERS_BOOK)
    if session.status != Session.Status.SCHEDULED or session.ends_at <= timezone.now():
        raise ConflictError(msg.NOT_OPEN_FOR_BOOKING)
    if Booking.objects.filter(
        session=session, learner=learner, status=Booking.Status.BOOKED
    ).exists():
        raise ConflictError(msg.ALREADY_BOOKED)
    if session.is_private:  # seats of a private session are arranged by its mentor
        raise ConflictError(msg.PRIVATE_NOT_BOOKABLE)
    if session.is_full:
        raise ConflictError(msg.FULL)


def _take_seat(session: Session) -> None:
    """Count one more seat if one is free; ConflictError says why not."""
    won = Session.objects.filter(
        pk=session.pk,
        status=Session.Status.SCHEDULED,
        visibility=Session.Visibility.PUBLIC,  # made private meanwhile: no seat
        booked_count__lt=F("capacity"),
    ).update(booked_count=F("booked_count") + 1)
    if not won:
        current = Session.objects.filter(pk=session.pk).values_list("status", "visibility")
        if list(current) == [(Session.Status.SCHEDULED, Session.Visibility.PUBLIC)]:
            raise ConflictError(msg.FULL)
        raise ConflictError(msg.NOT_OPEN_FOR_BOOKING)


def cancel_booking(learner, booking: Booking) -> Booking:
    """Give the seat back (before the session starts), refunded per the mentor's
    policy; the mentor is told and the seat goes to the waitlist (outcomes)."""
    from .outcomes import cancel_by_learner

    return cancel_by_learner(learner, booking)
