"""Waitlists: a full session offers "Join waitlist"; a freed seat books the first
learner waiting (notified `waitlist_booked`), the next seat the next one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from sessions_app.models import Booking, Session, WaitlistEntry
from sessions_app.services import update_session
from tests.conftest import bearer, jwt_client, make_user
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db


def _url(session):
    return f"/api/catalog/sessions/{session.pk}/waitlist/"


@pytest.fixture
def full(mentor, learner):
    session = make_session(mentor, capacity=1)
    make_booking(session, learner)
    return session


def test_joining_a_full_session_answers_the_position(full, other_learner):
    third = make_user("learner_liv")
    first = bearer(other_learner).post(_url(full))
    second = bearer(third).post(_url(full))
    assert (first.status_code, first.json()) == (201, {"position": 1})
    assert (second.status_code, second.json()) == (201, {"position": 2})
    assert WaitlistEntry.objects.filter(session=full, status="waiting").count() == 2


def test_a_session_with_free_seats_has_no_waitlist(mentor, other_learner):
    session = make_session(mentor, capacity=2)
    response = bearer(other_learner).post(_url(session))
    assert response.status_code == 400 and "free seats" in response.json()["detail"]
    assert not WaitlistEntry.objects.exists()


def test_joining_twice_or_while_booked_is_refused(full, learner, other_learner):
    assert bearer(other_learner).post(_url(full)).status_code == 201
    assert bearer(other_learner).post(_url(full)).status_code == 409
    assert bearer(learner).post(_url(full)).status_code == 400  # has a seat already
    assert WaitlistEntry.objects.count() == 1


def test_delete_leaves_the_waitlist(full, other_learner):
    bearer(other_learner).post(_url(full))
    assert bearer(other_learner).delete(_url(full)).status_code == 204
    assert WaitlistEntry.objects.get().status == "left"
    assert bearer(other_learner).delete(_url(full)).status_code == 400


def test_mentors_403_anonymous_401_private_404(full, mentor, api_client, other_learner):
    assert bearer(mentor).post(_url(full)).status_code == 403
    assert api_client.post(_url(full)).status_code == 401
    private = make_session(mentor, capacity=1, visibility="private", title="1:1")
    make_booking(private, make_user("learner_pia"))
    assert bearer(other_learner).post(_url(private)).status_code == 404


def test_a_freed_seat_books_the_first_waiting_and_the_next_seat_the_next(
    mentor, full, learner, other_learner
):
    third = make_user("learner_liv")
    bearer(other_learner).post(_url(full))
    bearer(third).post(_url(full))
    booking = Booking.objects.get(session=full, learner=learner)
    assert bearer(learner).post(f"/api/learner/bookings/{booking.pk}/cancel/").status_code == 200
    seat = Booking.objects.get(session=full, status="booked")
    assert seat.learner == other_learner and seat.amount_paid == full.price
    assert Session.objects.get(pk=full.pk).booked_count == 1
    note = Notification.objects.get(user=other_learner, kind="waitlist_booked")
    assert full.title in note.title and note.url == f"/sessions/{full.pk}/"
    assert not Notification.objects.filter(user=third, kind="waitlist_booked").exists()
    # The next seat goes to the next learner.
    bearer(other_learner).post(f"/api/learner/bookings/{seat.pk}/cancel/")
    assert Booking.objects.get(session=full, status="booked").learner == third
    assert Notification.objects.filter(kind="waitlist_booked").count() == 2


def test_more_capacity_fills_from_the_waitlist(mentor, full, other_learner):
    bearer(other_learner).post(_url(full))
    update_session(mentor, full, capacity=2)
    assert Booking.objects.filter(session=full, learner=other_learner, status="booked").exists()


def test_a_cancelled_session_drops_its_waitlist(mentor, full, other_learner, mentor_api):
    bearer(other_learner).post(_url(full))
    mentor_api.post(f"/api/sessions/{full.pk}/cancel/", {"reason": "Ill"}, format="json")
    assert WaitlistEntry.objects.get().status == "dropped"
    assert not Notification.objects.filter(kind="waitlist_booked").exists()


def test_the_pages_offer_join_waitlist_and_show_the_position(full, other_learner):
    client = jwt_client(other_learner)
    catalog = client.get("/sessions/").content.decode()
    assert "Join waitlist" in catalog
    detail = client.get(f"/sessions/{full.pk}/").content.decode()
    assert "Join waitlist" in detail and "This session is full." in detail
    response = client.post(f"/sessions/{full.pk}/waitlist/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "You're #1 on the waitlist." in response.content.decode()
    assert "On waitlist" in client.get("/sessions/").content.decode()
    left = client.post(
        f"/sessions/{full.pk}/waitlist/", {"action": "leave"}, headers={"HX-Request": "true"}
    )
    assert "Join waitlist" in left.content.decode()


def test_the_mentors_card_shows_the_waitlist_length(mentor, full, other_learner, mentor_client):
    bearer(other_learner).post(_url(full))
    bearer(make_user("learner_liv")).post(_url(full))
    html = mentor_client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
    assert "2 on the waitlist" in html


def test_the_scheduled_list_query_count_does_not_grow_with_waitlists(
    mentor, mentor_client, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            s = make_session(
                mentor,
                capacity=1,
                starts_at=timezone.now() + timedelta(days=2, hours=2 * i + 2 * n),
            )
            make_booking(s, make_user(f"l{n}_{i}"))
            WaitlistEntry.objects.create(session=s, learner=make_user(f"w{n}_{i}"))

    add(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        mentor_client.get("/mentor/dashboard/sessions/scheduled/")
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        mentor_client.get("/mentor/dashboard/sessions/scheduled/")
