"""Writes for sessions and bookings.

Every function takes the acting user, runs in one transaction and changes
state with a conditional UPDATE (`filter(pk=…, status=…).update(…)`) whose row
count says whether this call won; a lost race raises ConflictError and leaves
the state as it was. Pushes and notifications go out only after commit
(notifications.services does that).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from accounts.models import MentorProfile
from core.timebounds import check_schedulable
from mentorhub.errors import ConflictError, DomainError
from notifications.services import notify, push_update, recheck_access

from .models import Booking, Session
from .queries import get_session_for_mentor  # noqa: F401  (re-exported for other apps)
from .sanitize import clean_description  # noqa: F401  (re-exported: demo, tests)
from .signals import session_completed

EDITABLE_FIELDS = (
    "title",
    "description",
    "topic",
    "starts_at",
    "duration_minutes",
    "capacity",
    "price",
    "visibility",
)
MAX_DURATION_MINUTES = 8 * 60
START_WINDOW = timedelta(minutes=10)  # Start Session is offered this long before the start
OPEN = (Session.Status.SCHEDULED, Session.Status.LIVE)


# --- Validation -----------------------------------------------------------------------


def _mentor_zone(mentor):
    return mentor.tzinfo


def local_time_label(user, when: datetime) -> str:
    """ "Tue 14 Jul, 09:00" in `user`'s time zone."""
    local = when.astimezone(user.tzinfo)
    return local.strftime("%a %d %b, %H:%M")


def _validated(mentor, fields: dict, *, session: Session | None = None) -> dict:
    """Check and normalise the given fields; raise DomainError for the first problem."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]!r}.", field=sorted(unknown)[0])
    data = dict(fields)
    if "title" in data or session is None:
        title = (data.get("title") or "").strip()
        if not title:
            raise DomainError("Give the session a title.", field="title")
        if len(title) > 200:
            raise DomainError("Keep the title to 200 characters or fewer.", field="title")
        data["title"] = title
    if "topic" in data:
        topic = (data.get("topic") or "").strip()
        if len(topic) > 100:
            raise DomainError("Keep the topic to 100 characters or fewer.", field="topic")
        data["topic"] = topic
    if "description" in data:
        description = data.get("description") or ""
        if len(description) > 10000:
            raise DomainError("Keep the description under 10,000 characters.", field="description")
        data["description"] = clean_description(description)
    if "starts_at" in data or session is None:
        starts_at = data.get("starts_at")
        if not isinstance(starts_at, datetime):
            raise DomainError("Choose a date and start time.", field="starts_at")
        if timezone.is_naive(starts_at):
            raise DomainError("The start time needs a time zone.", field="starts_at")
        check_schedulable(
            starts_at, field="starts_at", past_message="The start time is in the past."
        )
    if "duration_minutes" in data or session is None:
        duration = _as_int(data.get("duration_minutes", 60), "duration_minutes", "The duration")
        if duration <= 0:
            raise DomainError("The duration must be at least 1 minute.", field="duration_minutes")
        if duration > MAX_DURATION_MINUTES:
            raise DomainError("A session can last at most 8 hours.", field="duration_minutes")
        data["duration_minutes"] = duration
    if "capacity" in data or session is None:
        capacity = _as_int(data.get("capacity", 1), "capacity", "The capacity")
        if capacity < 1:
            raise DomainError("A session needs at least 1 seat.", field="capacity")
        if capacity > settings.LIVE_MESH_LIMIT:
            raise DomainError(
                f"Live video supports at most {settings.LIVE_MESH_LIMIT} learners per session "
                "(peer-to-peer). Larger groups need a media server (SFU), which isn't "
                "available yet.",
                field="capacity",
            )
        if session is not None and capacity < session.booked_count:
            raise DomainError(
                f"{session.booked_count} learners have already booked; "
                "the capacity can't be lower than that.",
                field="capacity",
            )
        data["capacity"] = capacity
    if "price" in data or session is None:
        try:
            price = Decimal(str(data.get("price", "0")))
        except InvalidOperation as exc:
            raise DomainError("Enter a price such as 25 or 19.99.", field="price") from exc
        if not price.is_finite():
            raise DomainError("Enter a price such as 25 or 19.99.", field="price")
        if price < 0:
            raise DomainError("The price can't be negative.", field="price")
        if price >= Decimal("10000000000"):
            raise DomainError("That price is too high.", field="price")
        if price != price.quantize(Decimal("0.01")):
            raise DomainError("Use at most two decimal places.", field="price")
        data["price"] = price.quantize(Decimal("0.01"))
    if "visibility" in data:
        data["visibility"] = _visibility(data["visibility"], session)
    return data


def _visibility(value, session: Session | None) -> str:
    """Any session can be made private; a private one with learners stays private."""
    if value not in Session.Visibility.values:
        raise DomainError("Choose public or private.", field="visibility")
    if (
        session is not None
        and session.is_private
        and value == Session.Visibility.PUBLIC
        and session.booked_count
    ):
        raise DomainError(
            "Learners booked this session as a private one, so it stays private.",
            field="visibility",
        )
    return value


def _as_int(value, field: str, label: str) -> int:
    if isinstance(value, bool):
        raise DomainError(f"{label} must be a whole number.", field=field)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"{label} must be a whole number.", field=field) from exc


def _check_overlap(mentor, starts_at: datetime, duration: int, *, exclude: int | None) -> None:
    """A mentor can't be in two open sessions at once.

    Call inside the writing transaction. Locking the mentor's row serialises
    concurrent checks of one mentor on PostgreSQL (READ COMMITTED would let two
    overlapping publishes both pass); on SQLite, IMMEDIATE transactions already do.
    """
    type(mentor).objects.select_for_update().filter(pk=mentor.pk).exists()
    ends_at = starts_at + timedelta(minutes=duration)
    candidates = Session.objects.filter(
        mentor=mentor,
        status__in=OPEN,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(minutes=MAX_DURATION_MINUTES),
    ).order_by("starts_at")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    for other in candidates:
        if other.ends_at > starts_at:
            at = other.starts_at.astimezone(_mentor_zone(mentor)).strftime("%H:%M")
            raise DomainError(
                f"It overlaps your session ‘{other.title}’ at {at}.", field="starts_at"
            )


def _require_owner(mentor, session: Session) -> None:
    if mentor is None or session.mentor_id != mentor.pk:
        raise Http404("No such session.")


def _push_participants(session_id: int) -> None:
    row = Session.objects.filter(pk=session_id).values("mentor_id", "booked_count", "capacity")
    row = row.first()
    if row:
        push_update(
            row["mentor_id"],
            "participants",
            session_id=session_id,
            booked=row["booked_count"],
            capacity=row["capacity"],
        )


def _active_bookings(session: Session):
    return Booking.objects.filter(session=session, status=Booking.Status.BOOKED).select_related(
        "learner"
    )


# --- Mentor: lifecycle ---------------------------------------------------------------------


def create_session(mentor, *, publish: bool = False, **fields) -> Session:
    """Create a draft (or, with publish=True, a scheduled session) owned by `mentor`."""
    if not getattr(mentor, "is_mentor", False):
        raise DomainError("Only mentors can create sessions.")
    data = _validated(mentor, fields)
    with transaction.atomic():
        if publish:
            _check_overlap(mentor, data["starts_at"], data["duration_minutes"], exclude=None)
        session = Session.objects.create(
            mentor=mentor,
            status=Session.Status.SCHEDULED if publish else Session.Status.DRAFT,
            published_at=timezone.now() if publish else None,
            **data,
        )
    return session


def update_session(mentor, session: Session, **fields) -> Session:
    """Change a draft or scheduled session; booked learners hear what changed."""
    _require_owner(mentor, session)
    if not session.is_editable:
        raise ConflictError("A session can only be edited before it starts.")
    data = _validated(mentor, fields, session=session)
    changes = {k: v for k, v in data.items() if getattr(session, k) != v}
    if not changes:
        return session
    with transaction.atomic():
        if session.status == Session.Status.SCHEDULED and (
            "starts_at" in changes or "duration_minutes" in changes
        ):
            _check_overlap(
                mentor,
                changes.get("starts_at", session.starts_at),
                changes.get("duration_minutes", session.duration_minutes),
                exclude=session.pk,
            )
        update = dict(changes, updated_at=timezone.now())
        if "starts_at" in changes:
            update["reminder_sent_at"] = None  # a new time deserves a new reminder
        query = Session.objects.filter(pk=session.pk, status=session.status)
        if "capacity" in changes:
            query = query.filter(booked_count__lte=changes["capacity"])
        if not query.update(**update):
            raise ConflictError(
                "This session changed in the meantime (it started, or learners booked). "
                "Reload and try again."
            )
        old = {k: getattr(session, k) for k in changes}
        session.refresh_from_db()
        if session.status == Session.Status.SCHEDULED:
            for booking in _active_bookings(session):
                summary = _change_summary(booking.learner, old, session)
                if summary:
                    notify(
                        booking.learner,
                        "session_changed",
                        f"‘{session.title}’ was updated",
                        body=summary,
                        url=f"/sessions/{session.pk}/",
                    )
        if "capacity" in changes:
            _push_participants(session.pk)
    return session


def _change_summary(reader, old: dict, session: Session) -> str:
    """What changed, for one booked learner: times in the reader's own zone."""
    lines = []
    if "title" in old:
        lines.append(f"New title: {session.title} (was {old['title']}).")
    if "starts_at" in old:
        lines.append(
            f"New time: {local_time_label(reader, session.starts_at)} "
            f"(was {local_time_label(reader, old['starts_at'])}, "
            f"{getattr(reader.tzinfo, 'key', 'UTC')})."
        )
    if "duration_minutes" in old:
        lines.append(
            f"New duration: {session.duration_minutes} min (was {old['duration_minutes']} min)."
        )
    if "description" in old or "topic" in old:
        lines.append("The description or topic changed.")
    return " ".join(lines)


def publish_session(mentor, session: Session) -> Session:
    """Draft → scheduled; the session appears in the catalogue."""
    _require_owner(mentor, session)
    if session.status != Session.Status.DRAFT:
        raise ConflictError("This session is already published.")
    if session.starts_at <= timezone.now():
        raise DomainError(
            "The start time is in the past. Edit the session and pick a new time.",
            field="starts_at",
        )
    with transaction.atomic():
        _check_overlap(mentor, session.starts_at, session.duration_minutes, exclude=session.pk)
        now = timezone.now()
        won = Session.objects.filter(pk=session.pk, status=Session.Status.DRAFT).update(
            status=Session.Status.SCHEDULED, published_at=now, updated_at=now
        )
        if not won:
            raise ConflictError("This session is already published.")
    session.refresh_from_db()
    return session


def delete_draft(mentor, session: Session) -> None:
    _require_owner(mentor, session)
    with transaction.atomic():
        deleted, _ = Session.objects.filter(pk=session.pk, status=Session.Status.DRAFT).delete()
        if not deleted:
            raise ConflictError("Only drafts can be deleted; cancel a published session instead.")


def _cancel(session: Session, reason: str, *, from_status=Session.Status.SCHEDULED) -> bool:
    """Cancel (if still in `from_status`), release bookings and tell the learners."""
    now = timezone.now()
    won = Session.objects.filter(pk=session.pk, status=from_status).update(
        status=Session.Status.CANCELLED, cancel_reason=reason[:500], booked_count=0, updated_at=now
    )
    if not won:
        return False
    learners = [b.learner for b in _active_bookings(session)]
    Booking.objects.filter(session=session, status=Booking.Status.BOOKED).update(
        status=Booking.Status.CANCELLED, cancelled_at=now
    )
    # Open room sockets of the mentor and the learners re-check and close.
    recheck_access([session.mentor_id, *(learner.pk for learner in learners)])
    body = f"Reason: {reason}" if reason else "Your booking was released."
    for learner in learners:
        notify(
            learner,
            "session_changed",
            f"‘{session.title}’ was cancelled",
            body=body,
            url=f"/sessions/{session.pk}/",
        )
    _push_participants(session.pk)
    return True


def cancel_session(mentor, session: Session, reason: str = "") -> Session:
    """Scheduled → cancelled; bookings are released and learners told why."""
    _require_owner(mentor, session)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise DomainError("Keep the reason to 500 characters or fewer.", field="reason")
    if session.status == Session.Status.DRAFT:
        raise ConflictError("A draft isn't published; delete it instead.")
    with transaction.atomic():
        if not _cancel(session, reason):
            raise ConflictError("Only a scheduled session that hasn't started can be cancelled.")
    session.refresh_from_db()
    return session


def start_session(mentor, session: Session) -> Session:
    """Scheduled → live, from 10 minutes before the start; booked learners get a Join alert."""
    _require_owner(mentor, session)
    if session.status == Session.Status.LIVE:
        return session  # pressing Start twice just goes back to the room
    if session.status != Session.Status.SCHEDULED:
        raise ConflictError("Only a scheduled session can be started.")
    now = timezone.now()
    if now < session.starts_at - START_WINDOW:
        raise DomainError("You can start the session from 10 minutes before its start time.")
    if now > session.ends_at:
        raise ConflictError("This session's time is over; it can't be started any more.")
    with transaction.atomic():
        won = Session.objects.filter(pk=session.pk, status=Session.Status.SCHEDULED).update(
            status=Session.Status.LIVE, started_at=now, updated_at=now
        )
        session.refresh_from_db()
        if not won:
            if session.status == Session.Status.LIVE:
                return session
            raise ConflictError("This session can't be started any more.")
        for booking in _active_bookings(session):
            notify(
                booking.learner,
                "session_live",
                f"‘{session.title}’ is live — Join",
                body=f"{mentor.display_name} has started the session.",
                url=f"/live/{session.pk}/",
                level="urgent",
            )
    return session


def end_session(mentor, session: Session) -> Session:
    """Live → completed (mentor, or the job with mentor=None).

    Bookings become attended (the learner was in the room: joined_at) or
    no_show, and `session_completed` is sent inside the transaction, once.
    """
    if mentor is not None:
        _require_owner(mentor, session)
    with transaction.atomic():
        now = timezone.now()
        won = Session.objects.filter(pk=session.pk, status=Session.Status.LIVE).update(
            status=Session.Status.COMPLETED, ended_at=now, updated_at=now
        )
        if not won:
            session.refresh_from_db()
            raise ConflictError("Only a live session can be ended.")
        Booking.objects.filter(
            session=session, status=Booking.Status.BOOKED, joined_at__isnull=False
        ).update(status=Booking.Status.ATTENDED)
        Booking.objects.filter(
            session=session, status=Booking.Status.BOOKED, joined_at__isnull=True
        ).update(status=Booking.Status.NO_SHOW)
        session.refresh_from_db()
        session_completed.send(sender=Session, session=session)
    return session


# --- Learner: bookings ------------------------------------------------------------------


def book_session(learner, session: Session) -> Booking:
    """Take a seat; capacity holds even when two learners race for the last one."""
    if not getattr(learner, "is_learner", False):
        raise DomainError("Only learners can book sessions.")
    if session.status != Session.Status.SCHEDULED or session.ends_at <= timezone.now():
        raise ConflictError("This session is not open for booking.")
    if Booking.objects.filter(
        session=session, learner=learner, status=Booking.Status.BOOKED
    ).exists():
        raise ConflictError("You have already booked this session.")
    if session.is_private:  # seats of a private session are arranged by its mentor
        raise ConflictError("This session is private: it is not open for booking.")
    try:
        with transaction.atomic():
            won = Session.objects.filter(
                pk=session.pk,
                status=Session.Status.SCHEDULED,
                visibility=Session.Visibility.PUBLIC,  # made private meanwhile: no seat
                booked_count__lt=F("capacity"),
            ).update(booked_count=F("booked_count") + 1)
            if not won:
                current = Session.objects.filter(pk=session.pk).values_list("status", "visibility")
                if list(current) == [(Session.Status.SCHEDULED, Session.Visibility.PUBLIC)]:
                    raise ConflictError("This session is full.")
                raise ConflictError("This session is not open for booking.")
            booking = Booking.objects.create(
                session=session, learner=learner, amount_paid=session.price
            )
            session.refresh_from_db(fields=["booked_count", "capacity"])
            push_update(
                session.mentor_id,
                "participants",
                session_id=session.pk,
                booked=session.booked_count,
                capacity=session.capacity,
            )
            notify(
                session.mentor,
                "booking",
                f"New booking: {session.title}",
                body=f"{learner.display_name} booked a seat "
                f"({session.booked_count} / {session.capacity}).",
                url="/mentor/dashboard/sessions/scheduled/",
            )
    except IntegrityError as exc:  # the one-active-booking constraint
        raise ConflictError("You have already booked this session.") from exc
    return booking


def cancel_booking(learner, booking: Booking) -> Booking:
    """Give the seat back (before the session starts); the mentor is told."""
    if booking.learner_id != getattr(learner, "pk", None):
        raise Http404("No such booking.")
    session = booking.session
    if booking.status != Booking.Status.BOOKED:
        raise ConflictError("This booking is already cancelled.")
    if session.status != Session.Status.SCHEDULED:
        raise ConflictError("The session has started or ended; the booking can't be cancelled.")
    with transaction.atomic():
        now = timezone.now()
        won = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, cancelled_at=now
        )
        if not won:
            raise ConflictError("This booking is already cancelled.")
        Session.objects.filter(pk=session.pk, booked_count__gt=0).update(
            booked_count=F("booked_count") - 1
        )
        recheck_access([learner.pk])  # an open room socket closes: the seat is gone
        session.refresh_from_db(fields=["booked_count", "capacity", "status"])
        push_update(
            session.mentor_id,
            "participants",
            session_id=session.pk,
            booked=session.booked_count,
            capacity=session.capacity,
        )
        notify(
            session.mentor,
            "booking_cancelled",
            f"Booking cancelled: {session.title}",
            body=f"{learner.display_name} cancelled ({session.booked_count} / {session.capacity}).",
            url="/mentor/dashboard/sessions/scheduled/",
        )
    booking.refresh_from_db()
    return booking


# --- Calendar feed ---------------------------------------------------------------------


def rotate_calendar_token(mentor) -> str:
    """Revoke the mentor's calendar feed URL and create a new one."""
    if not getattr(mentor, "is_mentor", False):
        raise DomainError("Only mentors have a calendar feed.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        profile, _ = MentorProfile.objects.get_or_create(user=mentor)
        MentorProfile.objects.filter(pk=profile.pk).update(calendar_token=token)
    return token


# --- Periodic jobs -------------------------------------------------------------------


def send_session_reminders() -> int:
    """ "Starts in 5 minutes": once per session, to the mentor and each booked learner."""
    now = timezone.now()
    due = Session.objects.filter(
        status=Session.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__lte=now + timedelta(minutes=5),
        starts_at__gt=now - timedelta(minutes=2),
    ).values_list("pk", flat=True)[:500]
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            won = Session.objects.filter(
                pk=pk, status=Session.Status.SCHEDULED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=timezone.now())
            if not won:
                continue  # another process claimed it
            session = Session.objects.select_related("mentor").get(pk=pk)
            minutes = max(0, round((session.starts_at - timezone.now()).total_seconds() / 60))
            when = "now" if minutes == 0 else f"in {minutes} minute{'s' if minutes != 1 else ''}"
            title = f"Your session ‘{session.title}’ starts {when}"
            notify(
                session.mentor,
                "session_reminder",
                title,
                body="Press Start Session when you're ready; learners can join once it's live.",
                url=f"/live/{session.pk}/",
                level="urgent",
                action="Start Session",
            )
            for booking in _active_bookings(session):
                notify(
                    booking.learner,
                    "session_reminder",
                    title,
                    body=f"With {session.mentor.display_name}. The Join link opens the room.",
                    url=f"/live/{session.pk}/",
                    level="urgent",
                )
            sent += 1
    return sent


def end_overdue_sessions() -> int:
    """Live sessions past their end + grace are completed."""
    cutoff = timezone.now() - timedelta(minutes=settings.SESSION_END_GRACE_MINUTES)
    ended = 0
    for session in Session.objects.filter(status=Session.Status.LIVE, starts_at__lt=cutoff):
        if session.ends_at >= cutoff:
            continue
        try:
            end_session(None, session)
            ended += 1
        except ConflictError:
            continue  # ended by the mentor or another process meanwhile
    return ended


def cancel_unstarted_sessions() -> int:
    """Scheduled sessions whose time passed without a start are cancelled ("not started")."""
    now = timezone.now()
    cancelled = 0
    for session in Session.objects.filter(status=Session.Status.SCHEDULED, starts_at__lt=now):
        if session.ends_at >= now:
            continue
        with transaction.atomic():
            if _cancel(session, "The session was not started."):
                cancelled += 1
                notify(
                    session.mentor,
                    "session_changed",
                    f"‘{session.title}’ was not started",
                    body="Its time passed without a start, so it was cancelled and the "
                    "bookings were released.",
                    url="/mentor/dashboard/sessions/past/",
                )
    return cancelled
