"""Service rules: who may ask whom, limits, accepting exactly once, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.jobs import registered_jobs
from notifications.models import Notification
from requests_app import services
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Session
from tests.conftest import make_user

from .builders import future, make_request

pytestmark = pytest.mark.django_db


def create(learner, mentor, **kw):
    kw.setdefault("topic", "Help with Django")
    kw.setdefault("preferred_times", [future(24), future(48)])
    return services.create_request(learner, mentor, **kw)


def test_it_creates_a_pending_request_with_utc_times_and_tells_the_mentor(learner, mentor):
    times = [future(48), future(24)]
    r = create(learner, mentor, message="Line one\nline two", duration_minutes=45)
    r.refresh_from_db()
    assert r.status == "pending"
    assert r.preferred_datetimes == sorted(times)
    assert all(t.endswith("+00:00") for t in r.preferred_times)
    assert r.last_preferred_at == max(times)
    assert r.duration_minutes == 45
    note = Notification.objects.get(user=mentor)
    assert note.kind == "new_request"
    assert note.title == f"New request from {learner.display_name}"
    assert note.url == "/mentor/dashboard/requests/"
    assert note.level == "info"  # a toast and the bell, not an urgent banner


def test_it_uses_the_mentors_default_duration_when_none_is_given(learner, mentor):
    mentor.mentor_profile.default_duration_minutes = 90
    mentor.mentor_profile.save()
    assert create(learner, mentor).duration_minutes == 90


def test_a_learner_cannot_request_from_a_non_mentor_or_themself(learner, other_learner, mentor):
    with pytest.raises(DomainError) as err:
        create(learner, other_learner)
    assert err.value.field == "mentor"
    with pytest.raises(DomainError):
        create(learner, learner)
    with pytest.raises(DomainError, match="Only learners"):
        create(mentor, mentor)
    assert not SessionRequest.objects.exists()


@pytest.mark.parametrize(
    "times, message",
    [
        ([], "at least one"),
        ([future(h) for h in range(1, 7)], "at most 5"),
        ([timezone.now() - timedelta(hours=1)], "already passed"),
        ([future(24 * 400)], "within the next year"),
    ],
)
def test_it_rejects_bad_preferred_times(learner, mentor, times, message):
    with pytest.raises(DomainError, match=message) as err:
        create(learner, mentor, preferred_times=times)
    assert err.value.field == "preferred_times"
    assert not SessionRequest.objects.exists()


def test_it_rejects_a_missing_or_overlong_topic_and_message(learner, mentor):
    with pytest.raises(DomainError, match="topic"):
        create(learner, mentor, topic="   ")
    with pytest.raises(DomainError, match="200 characters"):
        create(learner, mentor, topic="x" * 201)
    with pytest.raises(DomainError, match="2000 characters"):
        create(learner, mentor, message="x" * 2001)
    with pytest.raises(DomainError, match="duration"):
        create(learner, mentor, duration_minutes=5)


def test_a_fourth_pending_request_to_the_same_mentor_gets_a_clear_message(
    learner, mentor, other_mentor
):
    for _ in range(3):
        create(learner, mentor)
    with pytest.raises(DomainError, match="already have 3 pending requests"):
        create(learner, mentor)
    assert SessionRequest.objects.filter(learner=learner, mentor=mentor).count() == 3
    create(learner, other_mentor)  # other mentors are not affected


def test_answered_requests_do_not_count_toward_the_pending_limit(learner, mentor):
    for _ in range(3):
        r = create(learner, mentor)
    services.withdraw_request(learner, r)
    create(learner, mentor)
    assert SessionRequest.objects.filter(status="pending").count() == 3


def test_accepting_creates_a_scheduled_one_seat_session_with_the_learner_booked(
    learner, mentor, pending
):
    mentor.mentor_profile.default_price = Decimal("42.50")
    mentor.mentor_profile.save()
    when = pending.preferred_datetimes[1]
    result = services.accept_request(mentor, pending, when)

    assert result.status == "accepted"
    assert result.scheduled_at == when
    assert result.answered_at is not None
    session = Session.objects.get()
    assert result.session == session
    assert session.mentor == mentor
    assert session.title == pending.topic
    assert session.starts_at == when
    assert session.duration_minutes == pending.duration_minutes
    assert (session.capacity, session.booked_count) == (1, 1)
    assert session.price == Decimal("42.50")
    assert session.status == "scheduled"
    assert session.published_at is not None
    booking = Booking.objects.get()
    assert (booking.session, booking.learner, booking.status) == (session, learner, "booked")
    assert booking.amount_paid == Decimal("42.50")
    note = Notification.objects.get(user=learner)
    assert note.kind == "request_answered"
    assert "accepted" in note.title
    assert note.url == f"/sessions/{session.pk}/"


def test_the_learner_is_told_the_time_in_their_own_zone(learner, mentor, pending):
    learner.timezone = "America/New_York"
    learner.save()
    when = future(72).replace(hour=15)
    services.accept_request(mentor, pending, when)
    body = Notification.objects.get(user=learner).body
    local = when.astimezone(learner.tzinfo)
    assert f"{local:%H:%M}" in body
    assert local.tzname() in body


def test_the_session_description_shows_the_learners_message_as_text(learner, mentor):
    r = make_request(learner, mentor, message="<script>alert(1)</script>")
    services.accept_request(mentor, r, r.preferred_datetimes[0])
    description = Session.objects.get().description
    assert "<script>" not in description
    assert "&lt;script&gt;" in description


def test_accepting_twice_answers_already_answered_and_creates_nothing_more(mentor, pending):
    services.accept_request(mentor, pending, pending.preferred_datetimes[0])
    with pytest.raises(ConflictError, match="already answered"):
        services.accept_request(mentor, pending, pending.preferred_datetimes[1])
    assert Session.objects.count() == 1
    assert Booking.objects.count() == 1


def test_accepting_a_withdrawn_request_fails_and_creates_nothing(learner, mentor, pending):
    services.withdraw_request(learner, pending)
    with pytest.raises(ConflictError, match="withdrew"):
        services.accept_request(mentor, pending, future(30))
    assert not Session.objects.exists()
    assert not Booking.objects.exists()


def test_accepting_with_a_time_in_the_past_fails_and_creates_nothing(mentor, pending):
    with pytest.raises(DomainError, match="already passed") as err:
        services.accept_request(mentor, pending, timezone.now() - timedelta(minutes=5))
    assert err.value.field == "scheduled_at"
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert not Session.objects.exists()


def test_accepting_a_time_that_overlaps_another_session_is_refused_and_writes_nothing(
    learner, mentor, pending
):
    when = pending.preferred_datetimes[0]
    Session.objects.create(
        mentor=mentor, title="Group workshop", starts_at=when - timedelta(minutes=30),
        duration_minutes=60, status="scheduled",
    )  # fmt: skip
    with pytest.raises(DomainError) as err:
        services.accept_request(mentor, pending, when)
    assert err.value.field == "scheduled_at"
    assert err.value.message.startswith("It overlaps your session ‘Group workshop’ at")
    pending.refresh_from_db()
    assert (pending.status, pending.session, pending.answered_at) == ("pending", None, None)
    assert Session.objects.count() == 1 and not Booking.objects.exists()
    assert not Notification.objects.filter(user=learner).exists()
    # Back to back is fine: the workshop ends when the request's hour starts.
    services.accept_request(mentor, pending, when + timedelta(minutes=30))
    assert Session.objects.count() == 2


def test_accepting_schedules_through_the_sessions_service_and_its_rules(learner, mentor):
    """The session comes from sessions_app.schedule_private_session: private, and
    held to the session rules (here: at most 8 hours), not written by requests_app."""
    from sessions_app import messages as session_messages
    from sessions_app import services as session_services

    assert services.schedule_private_session is session_services.schedule_private_session
    too_long = make_request(learner, mentor, duration_minutes=9 * 60)  # stored unchecked
    with pytest.raises(DomainError) as err:
        services.accept_request(mentor, too_long, too_long.preferred_datetimes[0])
    assert err.value.message == session_messages.DURATION_TOO_LONG
    too_long.refresh_from_db()
    assert too_long.status == "pending" and not Session.objects.exists()

    ok = make_request(learner, mentor, message='He said "<b>hi</b>"\n\nThanks')
    session = services.accept_request(mentor, ok, ok.preferred_datetimes[0]).session
    assert session.visibility == Session.Visibility.PRIVATE
    assert "&lt;b&gt;hi&lt;/b&gt;" in session.description and "<b>" not in session.description


def test_accepting_with_a_malformed_time_fails(mentor, pending):
    with pytest.raises(DomainError, match="valid date"):
        services.accept_request(mentor, pending, "tomorrow at noon")
    assert not Session.objects.exists()


def test_a_mentor_cannot_answer_another_mentors_request(other_mentor, pending):
    with pytest.raises(DomainError):
        services.accept_request(other_mentor, pending, future(30))
    with pytest.raises(DomainError):
        services.decline_request(other_mentor, pending, "no")
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_declining_stores_the_reason_and_tells_the_learner(learner, mentor, pending):
    result = services.decline_request(mentor, pending, "  Fully booked this month.  ")
    assert result.status == "declined"
    assert result.decline_reason == "Fully booked this month."
    note = Notification.objects.get(user=learner)
    assert "declined" in note.title
    assert "Fully booked this month." in note.body
    with pytest.raises(ConflictError):
        services.decline_request(mentor, pending, "")


def test_a_learner_withdraws_only_their_own_pending_request(learner, other_learner, pending):
    with pytest.raises(DomainError):
        services.withdraw_request(other_learner, pending)
    services.withdraw_request(learner, pending)
    pending.refresh_from_db()
    assert pending.status == "withdrawn"
    with pytest.raises(ConflictError):
        services.withdraw_request(learner, pending)


def test_the_expiry_job_expires_only_requests_whose_times_all_passed(learner, mentor):
    past = timezone.now() - timedelta(hours=2)
    stale = make_request(learner, mentor, times=[past - timedelta(hours=1), past])
    mixed = make_request(learner, mentor, times=[past, future(5)])
    answered = make_request(learner, mentor, times=[past], status="declined")

    assert "requests.expire" in registered_jobs()
    assert services.expire_requests() == 1
    assert services.expire_requests() == 0  # idempotent

    stale.refresh_from_db(), mixed.refresh_from_db(), answered.refresh_from_db()
    assert (stale.status, mixed.status, answered.status) == ("expired", "pending", "declined")
    notes = Notification.objects.filter(user=learner)
    assert notes.count() == 1
    assert "expired" in notes.get().title


def test_an_expired_request_cannot_be_accepted(learner, mentor):
    r = make_request(learner, mentor, times=[timezone.now() - timedelta(minutes=1)])
    services.expire_requests()
    with pytest.raises(ConflictError, match="expired"):
        services.accept_request(mentor, r, future(3))


def test_an_inactive_or_missing_profile_mentor_still_gets_a_price_of_zero(learner):
    bare = make_user("bare_mentor", "mentor")
    bare.mentor_profile.delete()
    bare = type(bare).objects.get(pk=bare.pk)
    r = make_request(learner, bare)
    services.accept_request(bare, r, r.preferred_datetimes[0])
    assert Session.objects.get().price == 0
