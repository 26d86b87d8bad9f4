"""Builders for earnings tests: completed sessions (through the real hook) and entries."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from earnings.models import LedgerEntry
from sessions_app.models import Booking, Session
from sessions_app.signals import session_completed
from tests.conftest import make_user


def completed_session(
    mentor,
    learners,
    *,
    price="50.00",
    ended_at=None,
    no_shows=(),
    title="Django deep dive",
    send=True,
) -> Session:
    """A session completed with `learners` attended; sends session_completed like end_session."""
    ended_at = ended_at or timezone.now() - timedelta(minutes=5)
    session = Session.objects.create(
        mentor=mentor,
        title=title,
        starts_at=ended_at - timedelta(minutes=60),
        duration_minutes=60,
        capacity=max(1, len(learners) + len(no_shows)),
        price=Decimal(price),
        status=Session.Status.COMPLETED,
        started_at=ended_at - timedelta(minutes=60),
        ended_at=ended_at,
        booked_count=len(learners) + len(no_shows),
    )
    for learner in learners:
        Booking.objects.create(
            session=session,
            learner=learner,
            amount_paid=session.price,
            status=Booking.Status.ATTENDED,
            joined_at=session.started_at,
        )
    for learner in no_shows:
        Booking.objects.create(
            session=session,
            learner=learner,
            amount_paid=session.price,
            status=Booking.Status.NO_SHOW,
        )
    if send:
        session_completed.send(sender=Session, session=session)
    return session


def entry(mentor, net, *, days_ago=10, available=True, session=None, gross=None) -> LedgerEntry:
    """A ledger entry written directly (for balance arithmetic)."""
    net = Decimal(net)
    gross = Decimal(gross) if gross is not None else net
    created = timezone.now() - timedelta(days=days_ago)
    available_at = (
        timezone.now() - timedelta(minutes=1) if available else timezone.now() + timedelta(days=2)
    )
    return LedgerEntry.objects.create(
        mentor=mentor,
        kind=LedgerEntry.Kind.ADJUSTMENT if session is None else LedgerEntry.Kind.BOOKING,
        session=session,
        gross=gross,
        fee=gross - net,
        net=net,
        currency=settings.PLATFORM_CURRENCY,
        created_at=created,
        available_at=available_at,
    )


def many_learners(count: int, prefix: str = "lrn") -> list[User]:
    return [make_user(f"{prefix}{i}", User.Role.LEARNER) for i in range(count)]
