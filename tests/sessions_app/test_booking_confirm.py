"""Booking asks first: time in the learner's zone, price and cancellation terms, then POST."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from core.formatting import local_time_label, money_label, zone_label
from sessions_app.booking_terms import FREE_CANCEL_HOURS, booking_review, cancellation_terms
from sessions_app.models import Booking, Session
from tests.conftest import jwt_client, make_user
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def paulo(db):
    """A learner in São Paulo: a different clock from the Berlin mentor."""
    return make_user("paulo", User.Role.LEARNER, first_name="Paulo", timezone="America/Sao_Paulo")


def _text(response) -> str:
    return unescape(response.content.decode())


def _session(mentor, **over):
    fields = {
        "title": "Testing with pytest",
        "starts_at": datetime(2030, 3, 5, 15, 0, tzinfo=UTC),
        "capacity": 4,
        "price": Decimal("55.00"),
    }
    fields.update(over)
    return make_session(mentor, **fields)


def test_the_book_button_opens_the_confirmation_instead_of_booking(mentor, paulo):
    session = _session(mentor)
    html = _text(jwt_client(paulo).get(f"/sessions/{session.pk}/"))
    button = re.search(r"<button[^>]*id=\"booking-action\"[^>]*>(.*?)</button>", html, re.S)
    assert button and "Book for " + money_label(Decimal("55.00"), "USD") in button.group(1)
    assert f'hx-get="/sessions/{session.pk}/book/"' in button.group(0)
    assert 'hx-target="#dialog-slot"' in button.group(0)
    # Without JS it's a GET form to the confirmation page: nothing is booked by it.
    assert f'<form method="get" action="/sessions/{session.pk}/book/">' in html
    assert not Booking.objects.exists()


def test_the_dialog_shows_learner_time_mentor_time_duration_price_and_terms(mentor, paulo):
    session = _session(mentor)
    response = jwt_client(paulo).get(f"/sessions/{session.pk}/book/", headers=HX)
    html = _text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith("{#") is False and "<dialog data-modal" in html
    assert 'aria-modal="true"' in html and 'aria-labelledby="book-dialog-title"' in html
    assert "Confirm your booking" in html and "Testing with pytest" in html
    # 15:00 UTC = 12:00 in São Paulo (learner), 16:00 in Berlin (mentor).
    learner_time = local_time_label(paulo, session.starts_at, zone=True)
    mentor_time = local_time_label(mentor, session.starts_at, zone=True)
    assert "12:00" in learner_time and "16:00" in mentor_time
    assert learner_time in html and zone_label("America/Sao_Paulo", session.starts_at) in html
    assert mentor_time in html and zone_label("Europe/Berlin", session.starts_at) in html
    assert html.index(learner_time) < html.index(mentor_time)  # the learner's own clock first
    assert "60 min" in html and money_label(Decimal("55.00"), settings.PLATFORM_CURRENCY) in html
    deadline = local_time_label(paulo, session.starts_at - timedelta(hours=24), zone=True)
    assert "11:00" not in deadline and "12:00" in deadline
    assert f"Free cancellation until {deadline} your time; after that 50 % back." in html
    assert f'hx-post="/sessions/{session.pk}/book/"' in html and "Confirm booking" in html
    assert "data-close-dialog" in html and ">Back<" in html
    assert not Booking.objects.exists()


def test_the_mentors_time_is_left_out_when_both_clocks_agree(mentor):
    berliner = make_user("berta", User.Role.LEARNER, timezone="Europe/Berlin")
    session = _session(mentor)
    html = _text(jwt_client(berliner).get(f"/sessions/{session.pk}/book/", headers=HX))
    assert local_time_label(berliner, session.starts_at, zone=True) in html
    assert "data-mentor-time" not in html


def test_without_js_the_confirmation_is_a_page_with_a_csrf_form(mentor, paulo):
    session = _session(mentor)
    response = jwt_client(paulo).get(f"/sessions/{session.pk}/book/")
    html = _text(response)
    assert response.status_code == 200 and html.startswith("<!doctype html>")
    assert "<dialog" not in html  # a dialog needs JS to open: the page shows the review itself
    assert "Confirm your booking" in html
    assert local_time_label(paulo, session.starts_at, zone=True) in html
    assert "Free cancellation until" in html
    assert f'<form method="post" action="/sessions/{session.pk}/book/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'href="/sessions/{session.pk}/"' in html and ">Back<" in html
    # Confirming posts the form and lands back on the session, booked.
    response = jwt_client(paulo).post(f"/sessions/{session.pk}/book/")
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    assert Booking.objects.filter(session=session, learner=paulo, status="booked").count() == 1


def test_booking_still_needs_post_with_a_csrf_token(mentor, paulo):
    session = _session(mentor)
    strict = jwt_client(paulo, enforce_csrf=True)
    assert strict.post(f"/sessions/{session.pk}/book/").status_code == 403
    assert jwt_client(paulo).put(f"/sessions/{session.pk}/book/").status_code == 405
    assert not Booking.objects.exists()
    page = _text(strict.get(f"/sessions/{session.pk}/book/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = strict.post(f"/sessions/{session.pk}/book/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Booking.objects.filter(session=session, learner=paulo).count() == 1


def test_after_booking_the_whole_section_agrees_and_says_so_once(mentor, paulo, other_learner):
    session = _session(mentor)
    make_booking(session, other_learner)
    response = jwt_client(paulo).post(f"/sessions/{session.pk}/book/", headers=HX)
    html = _text(response)
    assert response.status_code == 200
    assert "closeDialog" in response["HX-Trigger"]
    assert html.lstrip().startswith('<article id="booking-section"')
    # The seat count sits in the swapped section and counts this booking.
    assert "2 / 4 booked" in html and "1 / 4 booked" not in html
    assert html.count("You're booked") == 1 and html.count('role="status"') == 1
    assert 'id="booking-action"' in html  # focus returns here when the dialog closes
    assert "Book for" not in html and "Cancel booking" in html
    session.refresh_from_db()
    assert session.booked_count == 2


def test_the_detail_page_of_a_booked_learner_says_booked_once(mentor, paulo):
    session = _session(mentor)
    make_booking(session, paulo)
    html = _text(jwt_client(paulo).get(f"/sessions/{session.pk}/"))
    assert html.count("You're booked") == 1 and "1 / 4 booked" in html


def test_confirming_a_session_that_filled_meanwhile_shows_the_section_as_it_is(
    mentor, paulo, other_learner
):
    session = _session(mentor, capacity=1)
    make_booking(session, other_learner)
    response = jwt_client(paulo).get(f"/sessions/{session.pk}/book/", headers=HX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#booking-section" and response["HX-Reswap"] == "outerHTML"
    html = _text(response)
    assert "This session is full." in html and "1 / 1 booked" in html and "<dialog" not in html
    response = jwt_client(paulo).post(f"/sessions/{session.pk}/book/", headers=HX)
    assert response.status_code == 409 and "This session is full." in _text(response)
    assert not Booking.objects.filter(learner=paulo).exists()


def test_already_booked_learners_get_no_second_confirmation(mentor, paulo):
    session = _session(mentor)
    make_booking(session, paulo)
    response = jwt_client(paulo).get(f"/sessions/{session.pk}/book/")
    assert response.status_code == 409 and "Confirm booking" not in _text(response)


def test_mentors_and_strangers_cannot_open_the_confirmation(mentor, other_mentor, paulo):
    session = _session(mentor)
    assert jwt_client(other_mentor).get(f"/sessions/{session.pk}/book/").status_code == 403
    draft = _session(mentor, status=Session.Status.DRAFT)
    assert jwt_client(paulo).get(f"/sessions/{draft.pk}/book/").status_code == 404


# --- the terms, in one function -----------------------------------------------------------


def test_terms_put_the_free_cancellation_deadline_in_the_learners_zone(mentor, paulo):
    session = _session(mentor)
    deadline = session.starts_at - timedelta(hours=FREE_CANCEL_HOURS)
    assert cancellation_terms(session, paulo) == (
        f"Free cancellation until {local_time_label(paulo, deadline, zone=True)} your time; "
        "after that 50 % back."
    )
    assert booking_review(session, paulo).terms == cancellation_terms(session, paulo)


def test_terms_inside_the_last_day_and_for_free_sessions(mentor, paulo):
    soon = _session(mentor, starts_at=timezone.now() + timedelta(hours=5))
    assert "If you cancel now: 50 % back." in cancellation_terms(soon, paulo)
    assert "Free cancellation until" not in cancellation_terms(soon, paulo)
    free = _session(mentor, price=Decimal("0"))
    assert cancellation_terms(free, paulo) == "Free session: cancel any time before it starts."
