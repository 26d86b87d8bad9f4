"""The price charged by booking a slot follows the chosen duration (issue #20 point 3),
also on the confirmation page and when a request made from a slot is accepted."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from requests_app import services
from requests_app.booking import book_slot
from sessions_app.availability.services import mentor_today, update_availability
from sessions_app.models import Booking

pytestmark = pytest.mark.django_db


def _open(mentor, instant):
    profile = mentor.mentor_profile
    profile.default_price, profile.default_duration_minutes = Decimal("60.00"), 60
    profile.save()
    update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 720} for d in range(7)],
        min_notice_minutes=0,
        instant_booking=instant,
    )
    day = mentor_today(mentor) + timedelta(days=3)
    return datetime.combine(day, datetime.min.time().replace(hour=9), tzinfo=mentor.tzinfo)


@pytest.mark.parametrize(("duration", "paid"), [(30, "30.00"), (90, "90.00"), (60, "60.00")])
def test_an_instant_booking_charges_the_price_of_its_duration(mentor, learner, duration, paid):
    starts_at = _open(mentor, instant=True)
    outcome = book_slot(
        learner, mentor, starts_at=starts_at, duration_minutes=duration, topic="Pricing"
    )
    assert outcome.session.price == Decimal(paid)
    assert Booking.objects.get(pk=outcome.booking.pk).amount_paid == Decimal(paid)


def test_the_confirmation_page_shows_the_price_of_the_duration(mentor, learner_client):
    starts_at = _open(mentor, instant=True)
    page = learner_client.get(
        reverse("slot_book", args=[mentor.pk]),
        {"starts_at": starts_at.isoformat(), "duration": "30"},
    ).content.decode()
    assert "30.00" in page[page.index("data-price") :][:200]


def test_accepting_a_request_charges_the_price_of_its_duration(mentor, learner):
    starts_at = _open(mentor, instant=False)
    outcome = book_slot(learner, mentor, starts_at=starts_at, duration_minutes=90, topic="Long")
    request_obj = services.accept_request(mentor, outcome.request, starts_at)
    booking = Booking.objects.get(session_id=request_obj.session_id)
    assert booking.session.price == Decimal("90.00") and booking.amount_paid == Decimal("90.00")


def test_the_api_books_at_the_price_of_the_duration_and_lists_it(mentor, learner_api):
    starts_at = _open(mentor, instant=True)
    response = learner_api.post(
        f"/api/mentors/{mentor.pk}/book/",
        {"starts_at": starts_at.isoformat(), "duration_minutes": 45, "topic": "API"},
        format="json",
    )
    assert response.status_code == 201
    rows = learner_api.get("/api/learner/bookings/").json()["results"]
    assert [(r["id"], r["amount_paid"]) for r in rows] == [(response.json()["booking"], "45.00")]
