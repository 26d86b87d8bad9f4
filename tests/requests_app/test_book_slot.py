"""POST /api/mentors/<id>/book/ (CONTRACT.md; issue #20 point 3): a free slot becomes a
private one-to-one (instant booking on) or a pending request (off); anything else is
400, a slot taken meanwhile 409, and racing learners get exactly one 201.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from core.errors import ConflictError
from notifications.models import Notification
from requests_app import messages as msg
from requests_app.booking import book_slot
from requests_app.models import SessionRequest
from sessions_app.availability.services import mentor_today, update_availability
from sessions_app.models import Booking, Session
from tests.conftest import bearer, make_user
from tests.sessions_app.builders import make_session

BERLIN = ZoneInfo("Europe/Berlin")
EVERY_DAY_9_TO_12 = [{"weekday": d, "start": 540, "end": 720} for d in range(7)]


def _open(mentor, instant: bool):
    update_availability(
        mentor, weekly=EVERY_DAY_9_TO_12, min_notice_minutes=0, instant_booking=instant
    )


def _slot(mentor, hhmm: str = "10:00", days: int = 3) -> datetime:
    day = mentor_today(mentor) + timedelta(days=days)
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=BERLIN)


def _book(client, mentor, starts_at: datetime, **extra):
    body = {"starts_at": starts_at.isoformat(), "duration_minutes": 60, "topic": "Django ORM"}
    return client.post(f"/api/mentors/{mentor.pk}/book/", {**body, **extra}, format="json")


@pytest.mark.django_db
def test_with_instant_booking_a_learner_gets_a_private_session_at_once(
    mentor, learner_api, learner
):
    _open(mentor, instant=True)
    response = _book(learner_api, mentor, _slot(mentor), message="Query plans")
    assert response.status_code == 201
    body = response.json()
    session = Session.objects.get(pk=body["session"])
    assert body == {"kind": "booking", "session": session.pk, "booking": body["booking"]}
    assert (session.status, session.visibility, session.capacity) == ("scheduled", "private", 1)
    assert session.starts_at == _slot(mentor) and session.duration_minutes == 60
    booking = Booking.objects.get(pk=body["booking"])
    assert (booking.session_id, booking.learner_id, booking.status) == (
        session.pk,
        learner.pk,
        "booked",
    )
    assert Notification.objects.filter(user=mentor, kind="booking").exists()
    slots = learner_api.get(f"/api/mentors/{mentor.pk}/slots/?duration=60").json()["slots"]
    assert _slot(mentor).isoformat() not in slots


@pytest.mark.django_db
def test_without_instant_booking_the_slot_becomes_a_pending_request(mentor, learner_api, learner):
    _open(mentor, instant=False)
    tokyo_time = _slot(mentor, "11:00").astimezone(ZoneInfo("Asia/Tokyo"))  # any offset
    response = _book(learner_api, mentor, tokyo_time, duration_minutes=30)
    assert response.status_code == 201
    request_obj = SessionRequest.objects.get()
    assert response.json() == {"kind": "request", "request": request_obj.pk}
    assert (request_obj.learner_id, request_obj.mentor_id, request_obj.status) == (
        learner.pk,
        mentor.pk,
        "pending",
    )
    assert request_obj.preferred_datetimes[0] == _slot(mentor, "11:00")
    assert request_obj.duration_minutes == 30
    assert not Session.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "when",
    [
        lambda m: _slot(m, "10:15"),  # off the step
        lambda m: _slot(m, "12:00"),  # outside the hours
        lambda m: _slot(m, "10:00", days=90),  # past the 60-day window
    ],
)
def test_a_time_that_is_not_a_free_slot_is_refused_with_400(mentor, learner_api, when):
    _open(mentor, instant=True)
    response = _book(learner_api, mentor, when(mentor))
    assert response.status_code == 400
    assert response.json() == {"starts_at": [msg.NOT_A_FREE_SLOT]}
    assert not Session.objects.exists() and not SessionRequest.objects.exists()


@pytest.mark.django_db
def test_a_slot_blocked_by_a_session_or_its_buffer_is_taken_with_409(mentor, learner_api):
    _open(mentor, instant=True)
    update_availability(mentor, buffer_minutes=15)
    make_session(mentor, starts_at=_slot(mentor, "11:00"), visibility="private")
    for hhmm in ("11:00", "10:00"):  # the session itself, then its buffer
        response = _book(learner_api, mentor, _slot(mentor, hhmm))
        assert response.status_code == 409
        assert response.json() == {"starts_at": [msg.SLOT_TAKEN]}
    assert _book(learner_api, mentor, _slot(mentor, "09:00")).status_code == 201
    assert Session.objects.count() == 2


@pytest.mark.django_db
def test_bad_booking_input_is_a_field_error(mentor, learner_api):
    _open(mentor, instant=True)
    assert _book(learner_api, mentor, _slot(mentor), topic="").json().keys() == {"topic"}
    assert _book(learner_api, mentor, _slot(mentor), duration_minutes=5).json().keys() == {
        "duration_minutes"
    }
    response = learner_api.post(f"/api/mentors/{mentor.pk}/book/", {"topic": "x"}, format="json")
    assert response.status_code == 400 and "starts_at" in response.json()
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_only_learners_book_and_only_mentors_are_booked(mentor, learner, mentor_api, learner_api):
    _open(mentor, instant=True)
    assert _book(mentor_api, mentor, _slot(mentor)).status_code == 403
    assert _book(learner_api, learner, _slot(mentor)).status_code == 404
    assert not Session.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_learners_racing_for_one_slot_get_exactly_one_booking(mentor, race):
    _open(mentor, instant=True)
    learners = [make_user(f"racer{i}", User.Role.LEARNER) for i in range(4)]
    when = _slot(mentor)

    def attempt(i):
        return book_slot(learners[i], mentor, starts_at=when, duration_minutes=60, topic="Race")

    results = race(4, attempt)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1, results
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(losers) == 3 and all(isinstance(r, ConflictError) for r in losers), results
    assert Session.objects.count() == 1 and Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_learners_racing_through_the_api_get_one_201_and_one_409(mentor, race):
    _open(mentor, instant=True)
    clients = [bearer(make_user(f"api_racer{i}", User.Role.LEARNER)) for i in range(2)]
    when = _slot(mentor, "09:00")
    results = race(2, lambda i: _book(clients[i], mentor, when).status_code)
    assert sorted(results) == [201, 409], results
    assert Session.objects.count() == 1
