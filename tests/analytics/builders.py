"""Small builders for analytics and review tests: rows with known answers."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from earnings.models import LedgerEntry
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Review, Session

UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


def session(mentor, starts_at, *, status=Session.Status.COMPLETED, duration=60, **extra) -> Session:
    return Session.objects.create(
        mentor=mentor,
        title=extra.pop("title", "Session"),
        starts_at=starts_at,
        duration_minutes=duration,
        capacity=extra.pop("capacity", 4),
        price=extra.pop("price", Decimal("50.00")),
        status=status,
        **extra,
    )


def booking(sess, learner, status=Booking.Status.ATTENDED, **extra) -> Booking:
    b = Booking.objects.create(session=sess, learner=learner, status=status, **extra)
    if status != Booking.Status.CANCELLED:
        Session.objects.filter(pk=sess.pk).update(
            booked_count=sess.bookings.exclude(status="cancelled").count()
        )
    return b


def review(sess, learner, rating, *, created_at=None, comment="") -> Review:
    r = Review.objects.create(
        session=sess, learner=learner, mentor=sess.mentor, rating=rating, comment=comment
    )
    if created_at is not None:
        Review.objects.filter(pk=r.pk).update(created_at=created_at)
        r.created_at = created_at
    return r


def request(mentor, learner, status, *, created_at=None, answered_after=None, preferred=()):
    created_at = created_at or ago(days=1)
    r = SessionRequest.objects.create(
        mentor=mentor,
        learner=learner,
        topic="Help",
        status=status,
        preferred_times=[p.isoformat() for p in preferred],
        answered_at=created_at + answered_after if answered_after is not None else None,
    )
    SessionRequest.objects.filter(pk=r.pk).update(created_at=created_at)
    return r


def ledger(mentor, net, *, created_at=None, sess=None, bk=None) -> LedgerEntry:
    created_at = created_at or ago(days=1)
    net = Decimal(net)
    return LedgerEntry.objects.create(
        mentor=mentor,
        session=sess,
        booking=bk,
        gross=net,
        fee=Decimal("0.00"),
        net=net,
        created_at=created_at,
        available_at=created_at,
    )
