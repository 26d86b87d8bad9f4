"""Builders for live-room tests: a live session with a booked learner."""

from datetime import timedelta

from django.utils import timezone

from sessions_app.models import Booking, Session


def make_session(mentor, *, status=Session.Status.LIVE, starts_in_minutes=-5, capacity=2, **extra):
    return Session.objects.create(
        mentor=mentor,
        title=extra.pop("title", "Pairing on Django"),
        starts_at=timezone.now() + timedelta(minutes=starts_in_minutes),
        duration_minutes=extra.pop("duration_minutes", 60),
        capacity=capacity,
        status=status,
        **extra,
    )


def book(session, learner, status=Booking.Status.BOOKED):
    booking = Booking.objects.create(session=session, learner=learner, status=status)
    Session.objects.filter(pk=session.pk).update(
        booked_count=session.bookings.filter(
            status__in=[Booking.Status.BOOKED, Booking.Status.ATTENDED]
        ).count()
    )
    return booking
