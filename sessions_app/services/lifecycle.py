"""A session's life: create, edit, publish, schedule privately, cancel, start, end.

draft → scheduled → live → completed, or cancelled. Every change is a
conditional UPDATE whose row count says whether this call won.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import ConflictError, DomainError
from notifications.services import recheck_access
from policies.rules import Outcome

from .. import messages as msg
from .. import rules
from ..models import Booking, Session
from ..signals import session_completed
from . import notices
from .common import active_bookings, check_overlap, push_participants, require_owner


def create_session(mentor, *, publish: bool = False, **fields) -> Session:
    """Create a draft (or, with publish=True, a scheduled session) owned by `mentor`."""
    if not getattr(mentor, "is_mentor", False):
        raise DomainError(msg.ONLY_MENTORS_CREATE)
    data = rules.validated(fields)
    with transaction.atomic():
        if publish:
            check_overlap(mentor, data["starts_at"], data["duration_minutes"], exclude=None)
        session = Session.objects.create(
            mentor=mentor,
            status=Session.Status.SCHEDULED if publish else Session.Status.DRAFT,
            published_at=timezone.now() if publish else None,
            **data,
        )
    return session


def schedule_private_session(
    mentor,
    learner,
    *,
    starts_at: datetime,
    duration_minutes: int,
    title: str,
    topic: str = "",
    description: str = "",
    price: Decimal | int | str = 0,
) -> Session:
    """A scheduled one-seat private session with `learner` booked, in one transaction.

    The same rules as any session (bounds, duration, price) and the same
    overlap check against the mentor's open sessions, under the mentor's row
    lock; the session and the booking are written together or not at all.
    The caller (e.g. accepting a request) decides it happens only once.
    """
    if not getattr(mentor, "is_mentor", False):
        raise DomainError(msg.ONLY_MENTORS_CREATE)
    if not getattr(learner, "is_learner", False):
        raise DomainError(msg.ONLY_LEARNERS_BOOK)
    data = rules.validated(
        {
            "title": title,
            "topic": topic,
            "description": description,
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "capacity": 1,
            "price": price,
            "visibility": Session.Visibility.PRIVATE,  # one-to-one: never listed to others
        }
    )
    with transaction.atomic():
        check_overlap(mentor, data["starts_at"], data["duration_minutes"], exclude=None)
        session = Session.objects.create(
            mentor=mentor,
            status=Session.Status.SCHEDULED,
            published_at=timezone.now(),
            booked_count=1,
            **data,
        )
        Booking.objects.create(
            session=session,
            learner=learner,
            status=Booking.Status.BOOKED,
            amount_paid=data["price"],
        )
        notices.scheduled_changed(mentor.pk)
    return session


def update_session(mentor, session: Session, **fields) -> Session:
    """Change a draft or scheduled session; booked learners hear what changed."""
    require_owner(mentor, session)
    if not session.is_editable:
        raise ConflictError(msg.EDIT_ONLY_BEFORE_START)
    data = rules.validated(fields, session=session)
    changes = {k: v for k, v in data.items() if getattr(session, k) != v}
    if not changes:
        return session
    with transaction.atomic():
        if session.status == Session.Status.SCHEDULED and (
            "starts_at" in changes or "duration_minutes" in changes
        ):
            check_overlap(
                mentor,
                changes.get("starts_at", session.starts_at),
                changes.get("duration_minutes", session.duration_minutes),
                exclude=session.pk,
            )
        _write_changes(session, changes)
        old = {k: getattr(session, k) for k in changes}
        session.refresh_from_db()
        if session.status == Session.Status.SCHEDULED:
            learners = [b.learner for b in active_bookings(session)]
            notices.session_updated(learners, old, session)
            if "starts_at" in changes:  # a "starts in" banner names the old time
                Booking.objects.filter(session=session, status=Booking.Status.BOOKED).update(
                    rescheduled_by_mentor_at=timezone.now()  # a cancel is refunded in full
                )
                notices.banners_changed([mentor.pk, *(learner.pk for learner in learners)])
        if "capacity" in changes:
            if session.status == Session.Status.SCHEDULED:
                from .waitlist import promote_waitlist

                promote_waitlist(session)  # more seats: the waitlist fills them
            push_participants(session.pk)
    return session


def _write_changes(session: Session, changes: dict) -> None:
    """Conditional UPDATE: the status is unchanged and the new capacity still fits."""
    update = dict(changes, updated_at=timezone.now())
    if "starts_at" in changes:
        update["reminder_sent_at"] = None  # a new time deserves a new reminder
    if "starts_at" in changes or "duration_minutes" in changes:
        update["sequence"] = F("sequence") + 1  # calendars replace the event
    query = Session.objects.filter(pk=session.pk, status=session.status)
    if "capacity" in changes:
        query = query.filter(booked_count__lte=changes["capacity"])
    if not query.update(**update):
        raise ConflictError(msg.CHANGED_MEANWHILE)


def publish_session(mentor, session: Session) -> Session:
    """Draft → scheduled; the session appears in the catalogue."""
    require_owner(mentor, session)
    if session.status != Session.Status.DRAFT:
        raise ConflictError(msg.ALREADY_PUBLISHED)
    if session.starts_at <= timezone.now():
        raise DomainError(msg.PUBLISH_IN_PAST, field="starts_at")
    with transaction.atomic():
        check_overlap(mentor, session.starts_at, session.duration_minutes, exclude=session.pk)
        now = timezone.now()
        won = Session.objects.filter(pk=session.pk, status=Session.Status.DRAFT).update(
            status=Session.Status.SCHEDULED, published_at=now, updated_at=now
        )
        if not won:
            raise ConflictError(msg.ALREADY_PUBLISHED)
    session.refresh_from_db()
    return session


def delete_draft(mentor, session: Session) -> None:
    require_owner(mentor, session)
    with transaction.atomic():
        deleted, _ = Session.objects.filter(pk=session.pk, status=Session.Status.DRAFT).delete()
        if not deleted:
            raise ConflictError(msg.DELETE_ONLY_DRAFTS)


def cancel_and_release(
    session: Session,
    reason: str,
    *,
    from_status=Session.Status.SCHEDULED,
    outcome: str = Outcome.MENTOR_CANCEL,
) -> bool:
    """Cancel (if still in `from_status`), refund every booked learner in full
    (outcomes.refund_all), drop the waitlist and tell the learners."""
    from .outcomes import refund_all
    from .waitlist import drop_waitlist

    now = timezone.now()
    won = Session.objects.filter(pk=session.pk, status=from_status).update(
        status=Session.Status.CANCELLED,
        cancel_reason=reason[:500],
        booked_count=0,
        updated_at=now,
        mentor_no_show=outcome == Outcome.MENTOR_NO_SHOW,
    )
    if not won:
        return False
    learners = [b.learner for b in refund_all(session, outcome, now)]
    drop_waitlist(session)
    # Open room sockets of the mentor and the learners re-check and close.
    recheck_access([session.mentor_id, *(learner.pk for learner in learners)])
    notices.session_cancelled(learners, session, reason, refunded=True)
    notices.banners_changed([session.mentor_id, *(learner.pk for learner in learners)])
    push_participants(session.pk)
    return True


def cancel_session(mentor, session: Session, reason: str = "") -> Session:
    """Scheduled → cancelled; bookings are released and learners told why."""
    require_owner(mentor, session)
    reason = rules.check_reason(reason)
    if session.status == Session.Status.DRAFT:
        raise ConflictError(msg.CANCEL_DRAFT)
    with transaction.atomic():
        if not cancel_and_release(session, reason):
            raise ConflictError(msg.CANCEL_ONLY_SCHEDULED)
    session.refresh_from_db()
    return session


def start_session(mentor, session: Session) -> Session:
    """Scheduled → live, from 10 minutes before the start; booked learners get a Join alert."""
    require_owner(mentor, session)
    if session.status == Session.Status.LIVE:
        return session  # pressing Start twice just goes back to the room
    if session.status != Session.Status.SCHEDULED:
        raise ConflictError(msg.START_ONLY_SCHEDULED)
    now = timezone.now()
    if now < session.starts_at - rules.START_WINDOW:
        raise DomainError(msg.START_TOO_EARLY)
    if now > session.ends_at:
        raise ConflictError(msg.START_TOO_LATE)
    with transaction.atomic():
        won = Session.objects.filter(pk=session.pk, status=Session.Status.SCHEDULED).update(
            status=Session.Status.LIVE, started_at=now, updated_at=now
        )
        session.refresh_from_db()
        if not won:
            if session.status == Session.Status.LIVE:
                return session
            raise ConflictError(msg.START_NOT_ANY_MORE)
        learners = [b.learner for b in active_bookings(session)]
        notices.session_live(learners, session, mentor)
        # The mentor's "starts in" goes (they are in it); learners' turns into "is live".
        notices.banners_changed([session.mentor_id, *(learner.pk for learner in learners)])
    return session


def end_session(mentor, session: Session) -> Session:
    """Live → completed (mentor, or the job with mentor=None).

    Bookings become attended (the learner was in the room: joined_at) or
    no_show, and `session_completed` is sent inside the transaction, once.
    """
    if mentor is not None:
        require_owner(mentor, session)
    with transaction.atomic():
        now = timezone.now()
        won = Session.objects.filter(pk=session.pk, status=Session.Status.LIVE).update(
            status=Session.Status.COMPLETED, ended_at=now, updated_at=now
        )
        if not won:
            session.refresh_from_db()
            raise ConflictError(msg.END_ONLY_LIVE)
        booked = Booking.objects.filter(session=session, status=Booking.Status.BOOKED)
        # Both sides' "is live — Join" / "starts in" banners close.
        notices.banners_changed([session.mentor_id, *booked.values_list("learner_id", flat=True)])
        Booking.objects.filter(
            session=session, status=Booking.Status.BOOKED, joined_at__isnull=False
        ).update(status=Booking.Status.ATTENDED)
        Booking.objects.filter(
            session=session, status=Booking.Status.BOOKED, joined_at__isnull=True
        ).update(status=Booking.Status.NO_SHOW)
        session.refresh_from_db()
        from .waitlist import drop_waitlist

        drop_waitlist(session)
        session_completed.send(sender=Session, session=session)
    return session
