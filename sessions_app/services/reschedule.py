"""Moving a scheduled session to another time (issue #20 point 5).

The mentor moves any of their scheduled sessions (`reschedule_session`): the
same bounds and overlap checks as create/accept, under the mentor's row lock.
A learner moves their own private one-to-one (`reschedule_booking`) to another
of the mentor's free slots, only inside the free window (booking_terms).

Either way the session keeps its id (and so its calendar UID), its SEQUENCE
rises, its reminder is re-armed and the other side is told after commit
(kind `session_rescheduled`). A mentor's move marks every active booking
`rescheduled_by_mentor_at`: a later learner cancel is refunded in full.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from core.errors import ConflictError, DomainError

from .. import messages as msg
from .. import rules
from ..availability.slots import FREE, TAKEN, slot_state
from ..booking_terms import free_cancel_hours, in_free_window
from ..models import Booking, Session
from . import notices
from .common import active_bookings, check_overlap, require_owner


def move_session(session: Session, starts_at: datetime) -> None:
    """Conditional UPDATE (still scheduled) to the new time; SEQUENCE + 1."""
    won = Session.objects.filter(pk=session.pk, status=Session.Status.SCHEDULED).update(
        starts_at=starts_at,
        sequence=F("sequence") + 1,
        reminder_sent_at=None,  # a new time deserves a new reminder
        updated_at=timezone.now(),
    )
    if not won:
        raise ConflictError(msg.RESCHEDULE_ONLY_SCHEDULED)


def reschedule_session(mentor, session: Session, starts_at, reason: str = "") -> Session:
    """The mentor moves their scheduled session; booked learners are told the new time."""
    require_owner(mentor, session)
    if session.status != Session.Status.SCHEDULED:
        raise ConflictError(msg.RESCHEDULE_ONLY_SCHEDULED)
    starts_at = rules.check_starts_at(starts_at)
    reason = rules.check_reason(reason)
    if starts_at == session.starts_at:
        raise DomainError(msg.RESCHEDULE_SAME_TIME, field="starts_at")
    with transaction.atomic():
        check_overlap(mentor, starts_at, session.duration_minutes, exclude=session.pk)
        old = session.starts_at
        move_session(session, starts_at)
        learners = [b.learner for b in active_bookings(session)]
        Booking.objects.filter(session=session, status=Booking.Status.BOOKED).update(
            rescheduled_by_mentor_at=timezone.now()
        )
        session.refresh_from_db()
        notices.session_rescheduled(learners, old, session, reason)
        notices.banners_changed([mentor.pk, *(learner.pk for learner in learners)])
        notices.scheduled_changed(mentor.pk)
    return session


def _check_movable(booking: Booking) -> Session:
    session = booking.session
    if booking.status != Booking.Status.BOOKED or session.status != Session.Status.SCHEDULED:
        raise ConflictError(msg.RESCHEDULE_BOOKING_INACTIVE)
    if not session.is_private or session.capacity != 1:
        raise DomainError(msg.RESCHEDULE_ONLY_ONE_TO_ONE)
    if not in_free_window(session):
        raise ConflictError(msg.reschedule_too_late(free_cancel_hours(session)))
    return session


def can_reschedule(booking: Booking) -> bool:
    """Whether the learner may move this booking now (no query: the session is loaded)."""
    try:
        _check_movable(booking)
    except DomainError:
        return False
    return True


def _check_slot(session: Session, starts_at: datetime) -> None:
    """DomainError (400) for a time the mentor doesn't offer; ConflictError (409) for
    one offered but taken. The session's own current time doesn't block it."""
    state = slot_state(session.mentor, starts_at, session.duration_minutes, exclude=session.pk)
    if state == TAKEN:
        raise ConflictError(msg.RESCHEDULE_SLOT_TAKEN, field="starts_at")
    if state != FREE:
        raise DomainError(msg.RESCHEDULE_NOT_A_FREE_SLOT, field="starts_at")


def reschedule_booking(learner, booking: Booking, starts_at) -> Booking:
    """A learner moves their private one-to-one to another free slot of the mentor.

    Race-free like booking a slot: the slot is checked again inside the
    transaction holding the mentor's row lock, so of two learners moving into
    one time exactly one wins (the other gets 409)."""
    if booking.learner_id != getattr(learner, "pk", None):
        raise Http404("No such booking.")
    starts_at = rules.check_starts_at(starts_at)
    session = _check_movable(booking)
    if starts_at == session.starts_at:
        raise DomainError(msg.RESCHEDULE_SAME_TIME, field="starts_at")
    _check_slot(session, starts_at)
    mentor = session.mentor
    with transaction.atomic():
        type(mentor).objects.select_for_update().filter(pk=mentor.pk).exists()
        _check_slot(session, starts_at)
        try:
            check_overlap(mentor, starts_at, session.duration_minutes, exclude=session.pk)
        except DomainError as error:
            raise ConflictError(msg.RESCHEDULE_SLOT_TAKEN, field="starts_at") from error
        old = session.starts_at
        move_session(session, starts_at)
        session.refresh_from_db()
        notices.booking_rescheduled(session, learner, old)
        notices.banners_changed([mentor.pk, learner.pk])
        notices.scheduled_changed(mentor.pk)
    booking.refresh_from_db()
    return booking
