"""Waitlists: learners queue for a full session; a freed seat goes to the first.

`promote_waitlist(session)` runs inside the transaction that freed the seat (a
learner's cancel, a larger capacity). For each free seat it claims the first
waiting entry with a conditional UPDATE (0 rows: another process took it, try
the next) and takes the seat with the same conditional UPDATE as a booking, in
a savepoint: a learner is booked at most once, a seat given at most once, and
the notification (`waitlist_booked`) goes out only after commit.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.errors import ConflictError, DomainError

from .. import messages as msg
from ..models import Booking, Session, WaitlistEntry
from . import notices

MAX_PROMOTIONS = 50  # seats handed out in one pass (a capacity raise can free many)


def _waiting(session_id: int):
    return WaitlistEntry.objects.filter(
        session_id=session_id, status=WaitlistEntry.Status.WAITING
    ).order_by("created_at", "id")


def position_of(entry: WaitlistEntry) -> int:
    """1 for the first learner waiting."""
    return (
        _waiting(entry.session_id)
        .filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lte=entry.id)
        )
        .count()
    )


def join_waitlist(learner, session: Session) -> WaitlistEntry:
    """Queue for a seat; only a full, open, public session has a waitlist."""
    if not getattr(learner, "is_learner", False):
        raise DomainError(msg.ONLY_LEARNERS_BOOK)
    if session.status != Session.Status.SCHEDULED or session.starts_at <= timezone.now():
        raise DomainError(msg.NOT_OPEN_FOR_BOOKING)
    if session.is_private:
        raise DomainError(msg.PRIVATE_NOT_BOOKABLE)
    if Booking.objects.filter(
        session=session, learner=learner, status=Booking.Status.BOOKED
    ).exists():
        raise DomainError(msg.WAITLIST_ALREADY_BOOKED)
    session.refresh_from_db(fields=["booked_count", "capacity"])
    if not session.is_full:
        raise DomainError(msg.WAITLIST_NOT_FULL)
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(session=session, learner=learner)
    except IntegrityError as exc:  # the one-waiting-entry constraint
        raise ConflictError(msg.WAITLIST_ALREADY_ON) from exc
    # A seat that freed while this entry was being written found nobody waiting
    # (the cancel's transaction couldn't see it yet): hand it out now.
    with transaction.atomic():
        session.refresh_from_db(fields=["booked_count", "capacity", "status"])
        if session.status == Session.Status.SCHEDULED and not session.is_full:
            promote_waitlist(session)
    entry.refresh_from_db()
    _push_length(session)
    return entry


def leave_waitlist(learner, session: Session) -> None:
    with transaction.atomic():
        left = WaitlistEntry.objects.filter(
            session=session, learner=learner, status=WaitlistEntry.Status.WAITING
        ).update(status=WaitlistEntry.Status.LEFT)
        if not left:
            raise DomainError(msg.WAITLIST_NOT_ON)
        _push_length(session)


def waiting_entry(learner, session: Session) -> WaitlistEntry | None:
    return _waiting(session.pk).filter(learner=learner).first()


def drop_waitlist(session: Session) -> int:
    """The session was cancelled or ended: nobody waits for it any more."""
    return _waiting(session.pk).update(status=WaitlistEntry.Status.DROPPED)


def waitlist_counts(session_ids) -> dict[int, int]:
    """session id → learners waiting (one query)."""
    rows = (
        WaitlistEntry.objects.filter(session_id__in=list(session_ids), status="waiting")
        .values("session_id")
        .annotate(n=Count("id"))
    )
    return {row["session_id"]: row["n"] for row in rows}


def promote_waitlist(session: Session) -> list[Booking]:
    """Book the first learners waiting into the free seats (inside the caller's
    transaction). Returns the new bookings."""
    from .bookings import _take_seat

    booked = []
    for _ in range(MAX_PROMOTIONS):
        entry = _waiting(session.pk).select_related("learner").first()
        if entry is None:
            break
        claimed = WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.WAITING
        ).update(status=WaitlistEntry.Status.BOOKED)
        if not claimed:
            continue  # another process took this one: the next
        try:
            with transaction.atomic():  # savepoint: no seat → the claim is undone
                _take_seat(session)
                booking = Booking.objects.create(
                    session=session, learner=entry.learner, amount_paid=session.price
                )
        except ConflictError:
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.WAITING)
            break  # no free seat (left): the entry keeps its place
        except IntegrityError:  # they booked a seat themselves meanwhile
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.DROPPED)
            continue
        WaitlistEntry.objects.filter(pk=entry.pk).update(booking=booking)
        session.refresh_from_db(fields=["booked_count", "capacity"])
        notices.waitlist_booked(session, entry.learner)
        notices.new_booking(session, entry.learner)
        booked.append(booking)
    if booked:
        _push_length(session)
    return booked


def _push_length(session: Session) -> None:
    """The mentor's open cards re-read the waitlist length and the seats."""
    from notifications.services import push_update

    push_update(session.mentor_id, "waitlist", session_id=session.pk)
    push_update(session.mentor_id, "participants", session_id=session.pk)
