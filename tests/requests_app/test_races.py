"""Two tabs press Accept at the same moment: exactly one session, one booking."""

import pytest

from core.errors import ConflictError
from requests_app import services
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Session
from tests.support.race import race

from .builders import make_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_accepting_the_same_request_twice_at_once_creates_exactly_one_session(learner, mentor):
    r = make_request(learner, mentor)
    times = r.preferred_datetimes

    def accept(i):
        fresh = SessionRequest.objects.select_related("learner").get(pk=r.pk)
        return services.accept_request(mentor, fresh, times[i % len(times)])

    results = race(4, accept)

    winners = [x for x in results if isinstance(x, SessionRequest)]
    losers = [x for x in results if isinstance(x, ConflictError)]
    assert len(winners) == 1, results
    assert len(losers) == 3, results
    assert all("already answered" in e.message for e in losers)
    assert Session.objects.count() == 1
    assert Booking.objects.count() == 1
    r.refresh_from_db()
    assert r.status == "accepted"
    assert r.session == Session.objects.get()
    assert r.scheduled_at == Session.objects.get().starts_at


def test_accept_and_withdraw_at_once_leave_one_consistent_outcome(learner, mentor):
    r = make_request(learner, mentor)

    def act(i):
        fresh = SessionRequest.objects.select_related("learner").get(pk=r.pk)
        if i == 0:
            return services.accept_request(mentor, fresh, r.preferred_datetimes[0])
        return services.withdraw_request(learner, fresh)

    results = race(2, act)
    assert sum(isinstance(x, SessionRequest) for x in results) == 1, results
    r.refresh_from_db()
    if r.status == "accepted":
        assert Session.objects.count() == 1
    else:
        assert r.status == "withdrawn"
        assert not Session.objects.exists()
        assert not Booking.objects.exists()


def test_the_pending_limit_holds_when_requests_are_sent_at_once(learner, mentor):
    from .builders import future

    def send(i):
        return services.create_request(
            learner, mentor, topic=f"Topic {i}", preferred_times=[future(24 + i)]
        )

    race(5, send)
    assert SessionRequest.objects.filter(learner=learner, status="pending").count() == 3


def test_the_expiry_job_running_twice_at_once_tells_the_learner_once(learner, mentor):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Notification

    for _ in range(3):
        make_request(learner, mentor, times=[timezone.now() - timedelta(minutes=5)])
    results = race(2, lambda i: services.expire_requests())
    assert sum(results) == 3, results
    assert Notification.objects.filter(user=learner).count() == 3


def test_accepting_two_requests_for_the_same_hour_at_once_schedules_only_one(
    learner, other_learner, mentor
):
    """schedule_private_session checks the overlap under the mentor's row lock."""
    from core.errors import DomainError

    from .builders import future

    when = future(30)
    requests = [make_request(who, mentor, times=[when]) for who in (learner, other_learner)]

    def accept(i):
        fresh = SessionRequest.objects.select_related("learner").get(pk=requests[i].pk)
        return services.accept_request(mentor, fresh, when)

    results = race(2, accept)
    refused = [x for x in results if isinstance(x, DomainError)]
    assert sum(isinstance(x, SessionRequest) for x in results) == 1, results
    assert len(refused) == 1 and "overlaps" in refused[0].message, results
    assert Session.objects.count() == 1 and Booking.objects.count() == 1
    statuses = sorted(SessionRequest.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "pending"]
