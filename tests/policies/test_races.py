"""Races: concurrent cancels never refund a booking twice; a freed seat goes to
exactly one learner from the waitlist, each learner is booked once, and each
notified once (threads on the on-disk test database)."""

from decimal import Decimal

import pytest

from core.errors import ConflictError
from core.jobs import run_all_jobs
from earnings.models import LedgerEntry
from notifications.models import Notification
from sessions_app.models import Booking, Session, WaitlistEntry
from sessions_app.services import cancel_booking, join_waitlist
from tests.conftest import make_user
from tests.sessions_app.builders import make_booking, make_session
from tests.support.race import failures, race, successes

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_cancels_of_one_booking_refund_once(mentor, learner):
    session = make_session(mentor, price=Decimal("60.00"))
    booking = make_booking(session, learner)

    def cancel(i):
        fresh = Booking.objects.select_related("session").get(pk=booking.pk)
        return cancel_booking(learner, fresh)

    outcomes = race(4, cancel)
    assert len(successes(outcomes)) == 1, outcomes
    assert all(isinstance(e, ConflictError) for e in failures(outcomes)), outcomes
    refunds = LedgerEntry.objects.filter(booking=booking, kind="refund")
    assert [r.gross for r in refunds] == [Decimal("-60.00")]
    assert LedgerEntry.objects.filter(booking=booking, kind="booking").count() == 1


def test_a_learner_cancel_racing_the_mentor_cancel_refunds_once(mentor, learner):
    from sessions_app.services import cancel_session

    session = make_session(mentor)
    booking = make_booking(session, learner)

    def act(i):
        if i == 0:
            fresh = Booking.objects.select_related("session").get(pk=booking.pk)
            return cancel_booking(learner, fresh)
        return cancel_session(mentor, Session.objects.get(pk=session.pk), "Ill")

    race(2, act)
    assert LedgerEntry.objects.filter(booking=booking, kind="refund").count() == 1
    assert LedgerEntry.objects.filter(booking=booking, kind="booking").count() == 1


def test_the_no_show_job_in_two_processes_refunds_once(mentor, learner, other_learner):
    from datetime import timedelta

    from django.utils import timezone

    session = make_session(mentor, starts_at=timezone.now() - timedelta(minutes=20))
    make_booking(session, learner)
    make_booking(session, other_learner)
    race(3, lambda i: run_all_jobs())
    assert LedgerEntry.objects.filter(kind="refund").count() == 2
    assert Notification.objects.filter(kind="session_changed", user=learner).count() == 1


def test_two_seats_freeing_at_once_go_to_the_first_two_waiting_exactly_once(mentor):
    holders = [make_user(f"holder{i}") for i in range(2)]
    waiters = [make_user(f"waiter{i}") for i in range(4)]
    session = make_session(mentor, capacity=2)
    bookings = [make_booking(session, h) for h in holders]
    for w in waiters:
        join_waitlist(w, Session.objects.get(pk=session.pk))

    def cancel(i):
        fresh = Booking.objects.select_related("session").get(pk=bookings[i].pk)
        return cancel_booking(holders[i], fresh)

    outcomes = race(2, cancel)
    assert len(successes(outcomes)) == 2, outcomes
    booked = Booking.objects.filter(session=session, status="booked")
    assert sorted(b.learner_id for b in booked) == sorted(w.pk for w in waiters[:2])
    assert Session.objects.get(pk=session.pk).booked_count == 2
    notes = Notification.objects.filter(kind="waitlist_booked")
    assert sorted(n.user_id for n in notes) == sorted(w.pk for w in waiters[:2])
    assert WaitlistEntry.objects.filter(status="waiting").count() == 2


def test_joining_the_waitlist_while_a_seat_frees_never_books_anyone_twice(mentor, learner):
    session = make_session(mentor, capacity=1)
    booking = make_booking(session, learner)
    waiters = [make_user(f"waiter{i}") for i in range(3)]
    join_waitlist(waiters[0], Session.objects.get(pk=session.pk))

    def act(i):
        if i == 0:
            fresh = Booking.objects.select_related("session").get(pk=booking.pk)
            return cancel_booking(learner, fresh)
        return join_waitlist(waiters[i], Session.objects.get(pk=session.pk))

    race(3, act)
    active = Booking.objects.filter(session=session, status="booked")
    assert [b.learner_id for b in active] == [waiters[0].pk]
    assert Notification.objects.filter(kind="waitlist_booked").count() == 1
