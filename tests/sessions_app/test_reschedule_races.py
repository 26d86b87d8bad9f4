"""Races around rescheduling and cancelling (issue #20): a double cancel refunds once;
two learners moving their one-to-ones into one slot, or a learner booking the time a
mentor is moving a session into, leave exactly one winner and no overlap."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import ConflictError, DomainError
from requests_app.booking import book_slot
from sessions_app.models import Booking, Session
from sessions_app.services import cancel_booking, reschedule_booking, reschedule_session
from tests.conftest import make_user
from tests.support.race import failures, race, successes

from .test_learner_bookings import _slot, one_to_one

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_cancel_refunds_once(mentor, learner):
    booking = one_to_one(mentor, learner)

    def cancel(i):
        fresh = Booking.objects.select_related("session").get(pk=booking.pk)
        return cancel_booking(learner, fresh)

    outcomes = race(4, cancel)
    assert len(successes(outcomes)) == 1, outcomes
    assert all(isinstance(e, ConflictError) for e in failures(outcomes)), outcomes
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.refund_amount == Decimal("30.00")
    assert Session.objects.get(pk=booking.session_id).booked_count == 0


def test_two_learners_moving_into_one_slot_one_wins(mentor, learner, other_learner):
    first = one_to_one(mentor, learner, "09:00", days=3)
    second = one_to_one(mentor, other_learner, "10:00", days=3)
    target = _slot(mentor, "11:00", days=4)
    pairs = [(learner, first), (other_learner, second)]

    def move(i):
        who, booking = pairs[i]
        fresh = Booking.objects.select_related("session", "session__mentor").get(pk=booking.pk)
        return reschedule_booking(who, fresh, target)

    outcomes = race(2, move)
    assert len(successes(outcomes)) == 1, outcomes
    (loser,) = failures(outcomes)
    assert isinstance(loser, ConflictError), outcomes
    assert Session.objects.filter(starts_at=target).count() == 1


def test_a_booking_racing_a_mentor_move_into_the_same_time(mentor, learner):
    from sessions_app.availability.services import update_availability

    update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 720} for d in range(7)],
        min_notice_minutes=0,
        instant_booking=True,
    )
    group = Session.objects.create(
        mentor=mentor,
        title="Group",
        starts_at=_slot(mentor, "09:00", days=2) - timedelta(hours=3),
        duration_minutes=60,
        capacity=3,
        status=Session.Status.SCHEDULED,
    )
    target = _slot(mentor, "10:00", days=3)
    booker = make_user("learner_racer")

    def act(i):
        if i == 0:
            fresh = Session.objects.get(pk=group.pk)
            return reschedule_session(mentor, fresh, target)
        return book_slot(booker, mentor, starts_at=target, duration_minutes=60, topic="Race")

    outcomes = race(2, act)
    assert len(successes(outcomes)) == 1, outcomes
    (loser,) = failures(outcomes)
    assert isinstance(loser, ConflictError | DomainError), outcomes
    assert Session.objects.filter(starts_at=target, status="scheduled").count() == 1
