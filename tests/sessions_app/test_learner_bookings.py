"""A learner's bookings (issue #20 points 5 and 6; CONTRACT.md /api/learner/bookings/…):
list, cancel with the refund the terms give (full until 24 h before, or whenever the
mentor moved the session; none after), and moving a private one-to-one to a free slot."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from notifications.models import Notification
from sessions_app import messages as msg
from sessions_app.availability.services import mentor_today, update_availability
from sessions_app.models import Booking, Session
from sessions_app.services import reschedule_session, schedule_private_session
from tests.conftest import bearer, make_user

from .builders import make_booking, make_session

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
EVERY_DAY_9_TO_12 = [{"weekday": d, "start": 540, "end": 720} for d in range(7)]


def _slot(mentor, hhmm: str = "10:00", days: int = 3) -> datetime:
    day = mentor_today(mentor) + timedelta(days=days)
    return datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=BERLIN)


def one_to_one(mentor, learner, hhmm="10:00", days=3) -> Booking:
    update_availability(mentor, weekly=EVERY_DAY_9_TO_12, min_notice_minutes=0)
    session = schedule_private_session(
        mentor,
        learner,
        starts_at=_slot(mentor, hhmm, days),
        duration_minutes=60,
        title="1:1",
        price=Decimal("30.00"),
    )
    return Booking.objects.get(session=session)


# --- List ------------------------------------------------------------------------------


def test_list_shows_own_bookings_with_the_contract_fields(mentor, learner, other_learner):
    mine = make_booking(make_session(mentor, title="Mine"), learner)
    make_booking(make_session(mentor, title="Theirs"), other_learner)
    response = bearer(learner).get("/api/learner/bookings/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["id"] == mine.pk and row["status"] == "booked"
    assert row["amount_paid"] == "25.00" and row["refund"] is None
    assert set(row["session"]) == {"id", "title", "starts_at", "status", "visibility"}
    assert row["session"]["title"] == "Mine" and row["session"]["visibility"] == "public"


def test_list_statuses_map_from_the_bookings(mentor, learner):
    for status in ("booked", "cancelled", "attended", "no_show"):
        Booking.objects.create(session=make_session(mentor), learner=learner, status=status)
    rows = bearer(learner).get("/api/learner/bookings/").json()["results"]
    assert sorted(r["status"] for r in rows) == ["attended", "booked", "cancelled", "no_show"]


def test_list_query_count_is_constant(
    mentor, learner, django_assert_num_queries, django_assert_max_num_queries
):
    make_booking(make_session(mentor), learner)
    client = bearer(learner)
    client.get("/api/learner/bookings/")  # warms the per-process user cache
    with django_assert_max_num_queries(3) as few:  # (user,) count, page
        client.get("/api/learner/bookings/")
    for _ in range(5):
        make_booking(make_session(mentor), learner)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/api/learner/bookings/").json()["count"] == 6


def test_list_is_for_learners(mentor_api, api_client):
    assert api_client.get("/api/learner/bookings/").status_code == 401
    assert mentor_api.get("/api/learner/bookings/").status_code == 403


# --- Cancel ----------------------------------------------------------------------------


def _cancel(client, booking):
    return client.post(f"/api/learner/bookings/{booking.pk}/cancel/", format="json")


def test_cancel_more_than_24h_ahead_refunds_in_full(mentor, learner):
    booking = make_booking(
        make_session(mentor, starts_at=timezone.now() + timedelta(days=2)), learner
    )
    response = _cancel(bearer(learner), booking)
    assert response.status_code == 200
    assert response.json() == {"status": "cancelled", "refund": "25.00"}
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.refund_amount == Decimal("25.00")
    assert booking.session.booked_count == 0 or Session.objects.get().booked_count == 0
    assert Notification.objects.filter(user=mentor, kind="booking_cancelled").exists()


def test_cancel_inside_24h_refunds_the_default_late_percentage(mentor, learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(hours=5))
    booking = make_booking(session, learner)
    assert _cancel(bearer(learner), booking).json() == {"status": "cancelled", "refund": "12.50"}
    booking.refresh_from_db()
    assert booking.refund_amount == Decimal("12.50")


def test_cancel_after_the_mentor_moved_the_session_refunds_in_full(mentor, learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(days=2))
    booking = make_booking(session, learner)
    reschedule_session(mentor, session, timezone.now() + timedelta(hours=5))
    response = _cancel(bearer(learner), booking)
    assert response.json() == {"status": "cancelled", "refund": "25.00"}


def test_cancel_refusals(mentor, learner, other_learner, mentor_api, api_client):
    booking = make_booking(make_session(mentor), learner)
    assert _cancel(api_client, booking).status_code == 401
    assert _cancel(mentor_api, booking).status_code == 403
    assert _cancel(bearer(other_learner), booking).status_code == 404
    assert _cancel(bearer(learner), booking).status_code == 200
    again = _cancel(bearer(learner), booking)
    assert again.status_code == 409 and msg.BOOKING_ALREADY_CANCELLED in str(again.json())
    booking.refresh_from_db()
    assert booking.refund_amount == Decimal("25.00")
    assert _cancel(bearer(learner), type(booking)(pk=10**6)).status_code == 404


# --- Reschedule (learner) --------------------------------------------------------------------


def _move(client, booking, starts_at):
    body = {"starts_at": starts_at if isinstance(starts_at, str) else starts_at.isoformat()}
    return client.post(f"/api/learner/bookings/{booking.pk}/reschedule/", body, format="json")


def test_learner_moves_a_one_to_one_to_another_free_slot(mentor, learner):
    booking = one_to_one(mentor, learner)
    new = _slot(mentor, "11:00", days=4)
    response = _move(bearer(learner), booking, new)
    assert response.status_code == 200, response.json()
    session = Session.objects.get(pk=booking.session_id)
    assert session.starts_at == new and session.sequence == 1
    assert response.json()["session"]["id"] == session.pk
    note = Notification.objects.get(user=mentor, kind="session_rescheduled")
    assert "11:00" in note.body  # the mentor's own zone (Berlin)
    booking.refresh_from_db()
    assert booking.rescheduled_by_mentor_at is None  # the learner's move: the terms stand


def test_an_hour_later_on_the_same_day_is_free_despite_the_session_itself(mentor, learner):
    booking = one_to_one(mentor, learner, "10:00")
    assert (
        _move(bearer(learner), booking, _slot(mentor, "10:00") + timedelta(hours=1)).status_code
        == 200
    )


def test_learner_reschedule_refusals(mentor, learner, other_learner, mentor_api):
    booking = one_to_one(mentor, learner, "10:00")
    client = bearer(learner)
    new = _slot(mentor, "11:00", days=4)
    assert _move(bearer(other_learner), booking, new).status_code == 404
    assert _move(mentor_api, booking, new).status_code == 403
    off_hours = _move(client, booking, _slot(mentor, "15:00", days=4))
    assert off_hours.status_code == 400 and "starts_at" in off_hours.json()
    past = _move(client, booking, "2001-01-01T10:00:00Z")
    assert past.status_code == 400 and "starts_at" in past.json()
    other = make_session(mentor, title="Group", starts_at=new)
    taken = _move(client, booking, new)
    assert taken.status_code == 409
    group_booking = make_booking(other, learner)
    group = _move(client, group_booking, _slot(mentor, "09:00", days=5))
    assert group.status_code == 400
    assert msg.RESCHEDULE_ONLY_ONE_TO_ONE in str(group.json())


def test_learner_reschedule_only_more_than_24h_ahead(mentor, learner):
    booking = one_to_one(mentor, learner, "10:00", days=3)
    Session.objects.filter(pk=booking.session_id).update(
        starts_at=timezone.now() + timedelta(hours=20)
    )
    response = _move(bearer(learner), booking, _slot(mentor, "11:00", days=4))
    assert response.status_code == 409
    assert "24 hours" in str(response.json())
    assert not Notification.objects.filter(kind="session_rescheduled").exists()


def test_a_cancelled_booking_cannot_be_moved(mentor, learner):
    booking = one_to_one(mentor, learner)
    assert _cancel(bearer(learner), booking).status_code == 200
    assert _move(bearer(learner), booking, _slot(mentor, "11:00", days=4)).status_code == 409


def test_stranger_learner_cannot_probe_bookings(mentor, learner):
    booking = one_to_one(mentor, learner)
    stranger = bearer(make_user("learner_zed"))
    assert _move(stranger, booking, _slot(mentor, "11:00", days=4)).status_code == 404
    assert _cancel(stranger, booking).status_code == 404
