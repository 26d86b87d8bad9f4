"""Races against the on-disk test database: real threads, real transactions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ConflictError
from notifications.models import Notification
from sessions_app import services
from sessions_app.models import Booking, Session
from tests.conftest import make_user
from tests.sessions_app.builders import make_session
from tests.support.race import race

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(funcs):
    """Start the callables at the same moment; collect results or errors."""
    return race(len(funcs), lambda i: funcs[i]())


def test_two_learners_racing_for_the_last_seat_get_exactly_one_booking():
    mentor = make_user("race_mentor", "mentor")
    first, second = make_user("race_l1"), make_user("race_l2")
    for attempt in range(5):
        session = make_session(
            mentor,
            title=f"Race {attempt}",
            capacity=1,
            starts_at=timezone.now() + timedelta(days=1 + attempt),
        )
        results = run_together(
            [
                lambda s=session: services.book_session(first, Session.objects.get(pk=s.pk)),
                lambda s=session: services.book_session(second, Session.objects.get(pk=s.pk)),
            ]
        )
        wins = [r for r in results if isinstance(r, Booking)]
        losses = [r for r in results if isinstance(r, ConflictError)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert "full" in losses[0].message
        session.refresh_from_db()
        assert session.booked_count == 1
        assert Booking.objects.filter(session=session, status="booked").count() == 1


def test_one_learner_double_clicking_gets_one_booking():
    mentor = make_user("race_mentor2", "mentor")
    learner = make_user("race_l3")
    session = make_session(mentor, capacity=3)
    results = run_together(
        [lambda: services.book_session(learner, Session.objects.get(pk=session.pk))] * 2
    )
    assert sum(isinstance(r, Booking) for r in results) == 1, results
    session.refresh_from_db()
    assert session.booked_count == 1


def test_publishing_twice_at_once_publishes_once():
    mentor = make_user("race_mentor3", "mentor")
    session = make_session(mentor, status=Session.Status.DRAFT)
    results = run_together(
        [lambda: services.publish_session(mentor, Session.objects.get(pk=session.pk))] * 2
    )
    assert sum(isinstance(r, Session) for r in results) == 1, results
    assert sum(isinstance(r, ConflictError) for r in results) == 1


def test_reminder_jobs_in_parallel_send_once():
    mentor = make_user("race_mentor4", "mentor")
    make_session(mentor, starts_at=timezone.now() + timedelta(minutes=4))
    results = run_together([services.send_session_reminders] * 3)
    assert sorted(results) == [0, 0, 1], results
    assert Notification.objects.filter(user=mentor, kind="session_reminder").count() == 1


def test_two_overlapping_drafts_published_at_once_give_one_scheduled_session():
    from core.errors import DomainError

    mentor = make_user("race_overlap", "mentor")
    for attempt in range(3):
        starts_at = timezone.now() + timedelta(days=2 + attempt)
        drafts = [
            make_session(mentor, title=f"Overlap {attempt}{x}", starts_at=starts_at, status="draft")
            for x in "ab"
        ]
        results = run_together(
            [
                lambda d=d: services.publish_session(mentor, Session.objects.get(pk=d.pk))
                for d in drafts
            ]
        )
        wins = [r for r in results if isinstance(r, Session)]
        losses = [r for r in results if isinstance(r, DomainError)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert "overlaps" in str(losses[0])
        scheduled = Session.objects.filter(pk__in=[d.pk for d in drafts], status="scheduled")
        assert scheduled.count() == 1
