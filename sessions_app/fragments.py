"""Live fragments of sessions_app (core.live_fragments), registered in apps.py."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max

from core.live_fragments import register

from .models import Booking, Session

PARTICIPANTS_TEMPLATE = "sessions_app/live/participants.html"
SCHEDULED_VERSION_TEMPLATE = "sessions_app/live/scheduled_version.html"
LEARNER_BOOKING_TEMPLATE = "sessions_app/live/learner_booking.html"
OPEN = (Session.Status.SCHEDULED, Session.Status.LIVE)
WAITLIST_TEMPLATE = "sessions_app/live/waitlist.html"


def participants_state(user, session_id: int) -> dict | None:
    """Booked / capacity of one of the user's own sessions; anyone else's: nothing."""
    row = (
        Session.objects.filter(pk=session_id, mentor_id=user.pk)
        .values("booked_count", "capacity")
        .first()
    )
    if row is None:
        return None
    return {"session_id": session_id, "booked": row["booked_count"], "capacity": row["capacity"]}


def scheduled_version(mentor_id: int) -> str:
    """A stamp of the mentor's Scheduled list (count, newest id, last change; one
    query): it changes when a session is scheduled, moved or leaves the list."""
    row = Session.objects.filter(mentor_id=mentor_id, status__in=OPEN).aggregate(
        count=Count("pk"), newest=Max("pk"), changed=Max("updated_at")
    )
    changed = row["changed"].timestamp() if row["changed"] else 0
    return f"{row['count']}.{row['newest'] or 0}.{changed:.6f}"


def scheduled_version_state(user) -> dict | None:
    """The Scheduled subtab's stamp: a page showing an older one reloads its list
    (static/js/live_refresh.js), e.g. when a learner books a one-to-one."""
    if not getattr(user, "is_mentor", False):
        return None
    return {"version": scheduled_version(user.pk)}


def learner_booking_state(user, booking_id: int) -> dict | None:
    """One of the learner's own bookings as its home card (status, time, actions);
    anyone else's: nothing. One query."""
    from .services.reschedule import can_reschedule  # services import this module's users

    booking = (
        Booking.objects.select_related("session", "session__mentor")
        .filter(pk=booking_id, learner_id=user.pk)
        .first()
    )
    if booking is None:
        return None
    booking.movable = can_reschedule(booking)
    return {"b": booking, "platform_currency": settings.PLATFORM_CURRENCY}


def waitlist_state(user, session_id: int) -> dict | None:
    """How many learners wait for a seat of one of the user's own sessions."""
    from .models import WaitlistEntry

    if not Session.objects.filter(pk=session_id, mentor_id=user.pk).exists():
        return None
    waiting = WaitlistEntry.objects.filter(session_id=session_id, status="waiting").count()
    return {"session_id": session_id, "waiting": waiting}


def register_fragments() -> None:
    register("participants", PARTICIPANTS_TEMPLATE, participants_state, keys=("session_id",))
    register("scheduled_version", SCHEDULED_VERSION_TEMPLATE, scheduled_version_state)
    register(
        "learner_booking", LEARNER_BOOKING_TEMPLATE, learner_booking_state, keys=("booking_id",)
    )
    register("waitlist", WAITLIST_TEMPLATE, waitlist_state, keys=("session_id",))
