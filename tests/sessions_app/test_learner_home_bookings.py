"""The learner's home shows their bookings (issue #20): status, amount paid, refund;
Cancel asks first and states the refund `booking_terms.refund_for` gives now, then
cancels through the same service as the API; Reschedule (a private one-to-one inside
the free window) lists the mentor's free slots in the learner's zone, confirms the
move in both zones and moves it race-safely."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sessions_app.booking_terms import refund_for
from sessions_app.models import Booking, Session
from tests.conftest import bearer, jwt_client, make_user

from .builders import make_booking, make_session
from .test_learner_bookings import _slot, one_to_one

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_the_same_bookings_as_the_api_with_status_and_amount_paid(
    mentor, learner, learner_client
):
    group = make_booking(make_session(mentor, title="Group class", price=Decimal("25.00")), learner)
    mine = one_to_one(mentor, learner)
    cancelled = make_booking(
        make_session(mentor, title="Dropped"),
        learner,
        status="cancelled",
        refund_amount=Decimal("12.50"),
    )
    html = _home(learner_client)
    api_ids = {row["id"] for row in bearer(learner).get("/api/learner/bookings/").json()["results"]}
    assert api_ids == {group.pk, mine.pk, cancelled.pk}
    for booking, paid in ((group, "25.00"), (mine, "30.00")):
        card = html[html.index(f'id="booking-{booking.pk}"') :][:3000]
        assert "Scheduled" in card and f"/bookings/{booking.pk}/cancel/" in card
        assert paid in card[card.index("data-paid") :][:200]
    past = html[html.index(f'data-past-booking="{cancelled.pk}"') :][:600]
    assert "Cancelled" in past and "refunded" in past and "12.50" in past
    # Reschedule only for the private one-to-one.
    assert f"/bookings/{mine.pk}/reschedule/" in html
    assert f"/bookings/{group.pk}/reschedule/" not in html


def test_reschedule_is_not_offered_once_the_free_window_is_over(mentor, learner, learner_client):
    booking = one_to_one(mentor, learner)
    Session.objects.filter(pk=booking.session_id).update(
        starts_at=timezone.now() + timedelta(hours=3)
    )
    html = _home(learner_client)
    assert f"/bookings/{booking.pk}/reschedule/" not in html
    page = learner_client.get(f"/bookings/{booking.pk}/reschedule/").content.decode()
    assert "data-not-movable" in page


def test_the_cancel_dialog_states_the_full_refund_inside_the_free_window(
    mentor, learner, learner_client
):
    booking = one_to_one(mentor, learner)
    assert refund_for(booking) == Decimal("30.00")
    response = learner_client.get(f"/bookings/{booking.pk}/cancel/", **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<dialog data-modal" in html
    assert "You paid" in html[html.index("data-refund-note") :][:100]
    refund = html[html.index("data-refund>") :][:80]
    assert "30.00" in refund and "in full" in html


def test_the_cancel_dialog_states_the_late_share(mentor, learner, learner_client):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(hours=2))
    booking = make_booking(session, learner)
    paid = Decimal(booking.amount_paid)
    assert paid and refund_for(booking) == (paid / 2).quantize(Decimal("0.01"))  # default 50 %
    html = learner_client.get(f"/bookings/{booking.pk}/cancel/", **HX).content.decode()
    stated = html[html.index("data-refund>") :][:120]
    assert str(refund_for(booking)) in stated and "back (of" in html


def test_the_cancel_dialog_states_no_refund_late_under_a_strict_policy(
    mentor, learner, learner_client
):
    from policies.services import update_policy

    update_policy(mentor, free_cancel_hours=24, late_cancel_refund_percent=0)
    session = make_session(mentor, starts_at=timezone.now() + timedelta(hours=2))
    booking = make_booking(session, learner)
    assert refund_for(booking) == Decimal("0.00")
    html = learner_client.get(f"/bookings/{booking.pk}/cancel/", **HX).content.decode()
    assert "no refund" in html[html.index("data-refund>") :][:80]


def test_cancelling_from_home_cancels_refunds_and_redraws_the_section(
    mentor, learner, learner_client
):
    booking = one_to_one(mentor, learner)
    response = learner_client.post(f"/bookings/{booking.pk}/cancel/", **HX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#my-bookings"
    assert "closeDialog" in response["HX-Trigger"]
    html = response.content.decode()
    assert 'id="my-bookings"' in html and "cancelled" in html
    assert "30.00" in html[html.index("data-refund>") :][:80]
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.refund_amount == Decimal("30.00")
    again = learner_client.post(f"/bookings/{booking.pk}/cancel/", **HX)
    assert again.status_code == 409 and 'role="alert"' in again.content.decode()


def test_cancel_without_javascript_is_a_page_then_a_redirect(mentor, learner, learner_client):
    booking = one_to_one(mentor, learner)
    page = learner_client.get(f"/bookings/{booking.pk}/cancel/")
    assert page.status_code == 200 and "Cancel booking" in page.content.decode()
    assert "<dialog" not in page.content.decode().split('id="dialog-slot"')[-1][:200]
    response = learner_client.post(f"/bookings/{booking.pk}/cancel/")
    assert response.status_code == 302 and response["Location"].startswith("/?cancelled=1")
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_someone_elses_booking_is_404_and_a_mentor_gets_403(
    mentor, learner, other_learner, mentor_client
):
    booking = one_to_one(mentor, learner)
    other = jwt_client(other_learner)
    for url in (f"/bookings/{booking.pk}/cancel/", f"/bookings/{booking.pk}/reschedule/"):
        assert other.get(url).status_code == 404
        assert other.post(url).status_code == 404
        assert mentor_client.get(url).status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == "booked"


def test_the_reschedule_page_lists_free_slots_in_the_learners_zone(mentor, learner):
    tokyo = make_user("tokyo_learner", timezone="Asia/Tokyo")
    booking = one_to_one(mentor, tokyo, "10:00", days=3)
    client = jwt_client(tokyo)
    target = _slot(mentor, "11:00", days=4)
    html = client.get(f"/bookings/{booking.pk}/reschedule/").content.decode()
    assert "data-reschedule-picker" in html and "Tokyo" in html
    day = target.astimezone(ZoneInfo("Asia/Tokyo")).date()
    html = client.get(f"/bookings/{booking.pk}/reschedule/?day={day.isoformat()}").content.decode()
    local = target.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f'data-time="{target.isoformat()}"' in html
    assert f">{local:%H:%M}</time>" in html  # shown on the learner's clock


def test_rescheduling_from_home_confirms_then_moves_the_session(mentor, learner, learner_client):
    booking = one_to_one(mentor, learner, "10:00", days=3)
    session = booking.session
    target = _slot(mentor, "11:00", days=4)
    confirm = learner_client.get(
        f"/bookings/{booking.pk}/reschedule/", {"starts_at": target.isoformat()}
    ).content.decode()
    assert "Move to this time?" in confirm and "Move booking" in confirm
    assert "data-mentor-time" in confirm  # London learner, Berlin mentor: both clocks
    response = learner_client.post(
        f"/bookings/{booking.pk}/reschedule/", {"starts_at": target.isoformat()}
    )
    assert response.status_code == 302 and "moved=" in response["Location"]
    session.refresh_from_db()
    assert session.starts_at == target and session.sequence == 1
    assert "Your session was moved" in learner_client.get(response["Location"]).content.decode()


def test_rescheduling_into_a_taken_or_unoffered_time_is_refused(
    mentor, learner, other_learner, learner_client
):
    booking = one_to_one(mentor, learner, "10:00", days=3)
    taken = one_to_one(mentor, other_learner, "11:00", days=3).session.starts_at
    response = learner_client.post(
        f"/bookings/{booking.pk}/reschedule/", {"starts_at": taken.isoformat()}
    )
    assert response.status_code == 409 and "data-reschedule-error" in response.content.decode()
    night = _slot(mentor, "22:00", days=3)
    response = learner_client.post(
        f"/bookings/{booking.pk}/reschedule/", {"starts_at": night.isoformat()}
    )
    assert response.status_code == 400
    response = learner_client.post(f"/bookings/{booking.pk}/reschedule/", {"starts_at": "junk"})
    assert response.status_code == 400
    assert Session.objects.get(pk=booking.session_id).starts_at == _slot(mentor, "10:00", 3)


def test_home_query_count_does_not_grow_with_bookings(
    mentor, learner, learner_client, django_assert_max_num_queries
):
    one_to_one(mentor, learner)
    with django_assert_max_num_queries(30) as few:
        learner_client.get("/")
    for n in range(6):
        make_booking(make_session(mentor, title=f"S{n}"), learner)
        make_booking(make_session(mentor, title=f"C{n}"), learner, status="cancelled")
    with django_assert_max_num_queries(len(few.captured_queries)):
        learner_client.get("/")
