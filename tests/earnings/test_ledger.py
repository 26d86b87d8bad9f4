"""The ledger: one credit per paid attended booking, whatever happens."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.jobs import run_all_jobs
from earnings import services
from earnings.models import LedgerEntry
from sessions_app.models import Booking, Session
from sessions_app.signals import session_completed

from .builders import completed_session

pytestmark = pytest.mark.django_db


def test_it_credits_each_attended_paid_booking(mentor, learner, other_learner, settings):
    settings.PLATFORM_FEE_PERCENT = Decimal("10")
    settings.EARNINGS_HOLD_DAYS = 3
    session = completed_session(mentor, [learner, other_learner], price="49.95")
    entries = list(LedgerEntry.objects.filter(mentor=mentor).order_by("booking_id"))
    assert len(entries) == 2
    e = entries[0]
    assert (e.gross, e.fee, e.net) == (Decimal("49.95"), Decimal("5.00"), Decimal("44.95"))
    assert e.currency == "USD" and e.kind == "booking"
    assert e.session_id == session.pk and e.booking.learner == learner
    assert e.created_at == session.ended_at
    assert e.available_at == session.ended_at + timedelta(days=3)


def test_it_rounds_the_fee_half_up(mentor, learner, settings):
    settings.PLATFORM_FEE_PERCENT = Decimal("10")
    completed_session(mentor, [learner], price="0.05")  # fee 0.005 → 0.01
    e = LedgerEntry.objects.get()
    assert (e.fee, e.net) == (Decimal("0.01"), Decimal("0.04"))


def test_completion_sent_twice_creates_one_entry_per_booking(mentor, learner, other_learner):
    session = completed_session(mentor, [learner, other_learner])
    session_completed.send(sender=Session, session=session)
    services.credit_session(session)
    assert LedgerEntry.objects.filter(session=session).count() == 2


def test_it_credits_learner_no_shows_and_skips_free_bookings(mentor, learner, other_learner):
    session = completed_session(mentor, [learner], no_shows=[other_learner])
    # The policy: a learner who never joined gets no refund and the mentor is paid.
    entries = LedgerEntry.objects.filter(session=session)
    assert entries.count() == 2 and not entries.filter(kind="refund").exists()
    assert entries.get(booking__learner=other_learner).reason == "learner_no_show"
    free = completed_session(mentor, [learner], price="0.00", title="Free office hour")
    assert not LedgerEntry.objects.filter(session=free).exists()


def test_end_session_credits_the_mentor_once(mentor, learner, other_learner):
    from sessions_app.services import end_session

    now = timezone.now()
    session = Session.objects.create(
        mentor=mentor,
        title="Live now",
        starts_at=now - timedelta(minutes=30),
        capacity=2,
        price=Decimal("80.00"),
        status=Session.Status.LIVE,
        started_at=now - timedelta(minutes=30),
        booked_count=2,
    )
    Booking.objects.create(session=session, learner=learner, amount_paid="80.00", joined_at=now)
    Booking.objects.create(session=session, learner=other_learner, amount_paid="80.00")
    end_session(mentor, session)
    entries = LedgerEntry.objects.filter(session=session).order_by("booking__learner_id")
    assert sorted((e.booking.learner_id, e.net) for e in entries) == sorted(
        [(learner.pk, Decimal("72.00")), (other_learner.pk, Decimal("72.00"))]
    )  # the no-show is paid too (no refund)
    session.refresh_from_db()
    assert entries[0].created_at == session.ended_at


def test_the_job_credits_completed_bookings_that_lack_an_entry(mentor, learner):
    session = completed_session(mentor, [learner], send=False)
    assert not LedgerEntry.objects.exists()
    run_all_jobs()
    assert LedgerEntry.objects.filter(session=session).count() == 1
    assert services.credit_missing_entries() == 0


def test_refunds_are_new_negative_entries(mentor, learner):
    completed_session(mentor, [learner], price="50.00")
    services.record_adjustment(
        mentor, Decimal("-45.00"), "Refund: session cut short", kind="refund"
    )
    nets = sorted(LedgerEntry.objects.values_list("net", flat=True))
    assert nets == [Decimal("-45.00"), Decimal("45.00")]
