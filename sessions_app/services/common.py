"""Helpers the session services share: ownership, the overlap rule, live counts."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404

from core.errors import DomainError
from core.formatting import time_label
from notifications.services import push_update

from .. import messages as msg
from ..models import Booking, Session
from ..queries import overlapping_sessions


def require_owner(mentor, session: Session) -> None:
    if mentor is None or session.mentor_id != mentor.pk:
        raise Http404("No such session.")


def check_overlap(mentor, starts_at: datetime, duration: int, *, exclude: int | None) -> None:
    """A mentor can't be in two open sessions at once (DomainError on starts_at).

    Call inside the writing transaction. Locking the mentor's row serialises
    concurrent checks of one mentor on PostgreSQL (READ COMMITTED would let two
    overlapping publishes both pass); on SQLite, IMMEDIATE transactions already do.
    """
    type(mentor).objects.select_for_update().filter(pk=mentor.pk).exists()
    clashes = overlapping_sessions(mentor, starts_at, duration, exclude=exclude)
    if clashes:
        other = clashes[0]
        at = time_label(other.starts_at, mentor.tzinfo)
        raise DomainError(msg.overlaps(other.title, at), field="starts_at")


def push_participants(session_id: int) -> None:
    mentor_id = Session.objects.filter(pk=session_id).values_list("mentor_id", flat=True).first()
    if mentor_id is not None:
        push_update(mentor_id, "participants", session_id=session_id)


def active_bookings(session: Session):
    return Booking.objects.filter(session=session, status=Booking.Status.BOOKED).select_related(
        "learner"
    )
