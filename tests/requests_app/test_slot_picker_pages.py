"""The learner's "Book a 1:1" on a mentor's public page (issue #20 point 3): day chips
and times in the learner's zone (only free ones), the confirmation page (both zones,
price, terms), and booking: instant → a session, off → a request, taken → a message."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.formatting import local_time_label
from requests_app.models import SessionRequest
from sessions_app.availability import services
from sessions_app.availability.picker import slots_by_day
from sessions_app.models import Booking, Session
from tests.conftest import jwt_client, make_user
from tests.sessions_app.builders import make_session

pytestmark = pytest.mark.django_db
EVERY_DAY_9_TO_12 = [{"weekday": d, "start": 540, "end": 720} for d in range(7)]


@pytest.fixture
def tokyo_learner(db):
    return make_user("learner_yui", User.Role.LEARNER, timezone="Asia/Tokyo")


@pytest.fixture
def open_mentor(mentor):
    """Ann (Berlin): every day 09:00-12:00, 60-min slots, no notice, 60 EUR."""
    services.update_availability(mentor, weekly=EVERY_DAY_9_TO_12, min_notice_minutes=0)
    mentor.mentor_profile.default_price = Decimal("60.00")
    mentor.mentor_profile.default_duration_minutes = 60
    mentor.mentor_profile.save()
    return mentor


def _first_slot(mentor, learner):
    by_day = slots_by_day(mentor, learner.tzinfo, 60)
    day = next(d for d, times in by_day.items() if len(times) >= 2)
    return day, by_day[day]


def test_no_picker_without_weekly_hours(mentor, learner_client):
    page = learner_client.get(reverse("mentor_detail", args=[mentor.pk]))
    assert b"Book a 1:1" not in page.content


def test_picker_shows_days_and_times_in_the_learners_zone(open_mentor, tokyo_learner):
    client = jwt_client(tokyo_learner)
    day, times = _first_slot(open_mentor, tokyo_learner)
    page = client.get(reverse("mentor_detail", args=[open_mentor.pk]), {"day": day.isoformat()})
    html = page.content.decode()
    assert "Book a 1:1" in html and "60 min" in html and "60.00" in html
    assert "Tokyo" in html  # the learner's zone is named
    # 09:00 in Berlin is 16:00 or 17:00 in Tokyo: the times are the learner's.
    for moment in times:
        assert f">{timezone.localtime(moment, tokyo_learner.tzinfo):%H:%M}<" in html
    assert ">09:00<" not in html
    assert html.count("data-day-chip=") == 14


def test_day_fragment_lists_only_free_times(open_mentor, learner):
    day, times = _first_slot(open_mentor, learner)
    make_session(open_mentor, starts_at=times[0], duration_minutes=60)  # now busy
    client = jwt_client(learner)
    url = reverse("mentor_slot_times", args=[open_mentor.pk])
    fragment = client.get(url, {"day": day.isoformat()}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert f'data-time="{times[0].isoformat()}"' not in html
    assert f'data-time="{times[1].isoformat()}"' in html
    assert 'aria-current="date"' in html


def test_picker_query_counts_are_constant(open_mentor, learner, django_assert_max_num_queries):
    client = jwt_client(learner)
    day, times = _first_slot(open_mentor, learner)
    for n in range(5):
        make_session(open_mentor, starts_at=times[0] + timedelta(days=n + 2), duration_minutes=60)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("mentor_detail", args=[open_mentor.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("mentor_slot_times", args=[open_mentor.pk]),
            {"day": day.isoformat()},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200


def test_confirmation_shows_both_zones_price_and_terms(open_mentor, tokyo_learner):
    client = jwt_client(tokyo_learner)
    _day, times = _first_slot(open_mentor, tokyo_learner)
    url = reverse("slot_book", args=[open_mentor.pk])
    page = client.get(url, {"starts_at": times[0].isoformat(), "duration": 60})
    html = page.content.decode()
    assert page.status_code == 200
    assert local_time_label(tokyo_learner, times[0], zone=True) in html
    assert local_time_label(open_mentor, times[0], zone=True) in html
    assert "60.00" in html
    terms = html[html.index("data-terms>") :]
    assert "cancel" in terms[: terms.index("</dd>")].lower()
    assert "Confirm booking" in html


def _book(client, mentor, moment, topic="Career chat"):
    return client.post(
        reverse("slot_book", args=[mentor.pk]),
        {"starts_at": moment.isoformat(), "duration": "60", "topic": topic},
    )


def test_instant_booking_makes_a_private_session(open_mentor, learner):
    services.update_availability(open_mentor, instant_booking=True)
    _day, times = _first_slot(open_mentor, learner)
    response = _book(jwt_client(learner), open_mentor, times[0])
    assert response.status_code == 200
    session = Session.objects.get(mentor=open_mentor, starts_at=times[0])
    assert Booking.objects.filter(session=session, learner=learner).exists()
    html = response.content.decode()
    assert "Booked" in html and reverse("session_detail", args=[session.pk]) in html


def test_without_instant_booking_a_request_is_sent(open_mentor, learner):
    _day, times = _first_slot(open_mentor, learner)
    response = _book(jwt_client(learner), open_mentor, times[0])
    assert response.status_code == 200 and "Request sent" in response.content.decode()
    request_obj = SessionRequest.objects.get(learner=learner, mentor=open_mentor)
    assert request_obj.status == "pending"
    assert not Session.objects.filter(mentor=open_mentor, starts_at=times[0]).exists()


def test_a_taken_time_answers_409_with_fresh_times(open_mentor, learner, other_learner):
    services.update_availability(open_mentor, instant_booking=True)
    _day, times = _first_slot(open_mentor, learner)
    assert _book(jwt_client(other_learner), open_mentor, times[0]).status_code == 200
    response = _book(jwt_client(learner), open_mentor, times[0])
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone has just booked that time" in html
    assert "data-fresh-times" in html and times[1].isoformat() in html.replace("%3A", ":").replace(
        "%2B", "+"
    )
    assert Booking.objects.filter(learner=learner).count() == 0


def test_a_time_that_is_not_a_slot_answers_400(open_mentor, learner):
    _day, times = _first_slot(open_mentor, learner)
    response = _book(jwt_client(learner), open_mentor, times[0] + timedelta(minutes=7))
    assert response.status_code == 400
    assert "Pick one of the offered times" in response.content.decode()
    assert not SessionRequest.objects.exists()


def test_missing_topic_is_shown_next_to_the_field(open_mentor, learner):
    _day, times = _first_slot(open_mentor, learner)
    response = _book(jwt_client(learner), open_mentor, times[0], topic="")
    assert response.status_code == 422
    assert 'id="id_topic_error"' in response.content.decode()


def test_mentors_cannot_book(open_mentor, other_mentor):
    _day, times = _first_slot(open_mentor, other_mentor)
    assert _book(jwt_client(other_mentor), open_mentor, times[0]).status_code == 403
