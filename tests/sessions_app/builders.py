"""Builders for sessions and bookings."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from sessions_app.models import Booking, Session


def make_session(mentor, **fields) -> Session:
    """A session written directly (any state, any time), for arranging tests."""
    defaults = {
        "title": "Django basics",
        "topic": "Django",
        "starts_at": timezone.now() + timedelta(days=2),
        "duration_minutes": 60,
        "capacity": 2,
        "price": Decimal("25.00"),
        "status": Session.Status.SCHEDULED,
    }
    defaults.update(fields)
    return Session.objects.create(mentor=mentor, **defaults)


def make_booking(session, learner, **fields) -> Booking:
    booking = Booking.objects.create(
        session=session, learner=learner, amount_paid=session.price, **fields
    )
    if booking.status == Booking.Status.BOOKED:
        Session.objects.filter(pk=session.pk).update(booked_count=session.booked_count + 1)
        session.refresh_from_db()
    return booking
