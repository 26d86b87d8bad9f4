"""Each outcome of the cancellation policy, through the API and the one service,
recorded as append-only ledger entries (policies.rules + sessions_app.services.outcomes
+ earnings.services.record_settlement)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.jobs import run_all_jobs
from earnings.models import LedgerEntry
from earnings.queries import compute_balances
from notifications.models import Notification
from policies.services import update_policy
from sessions_app.models import Booking, Session
from sessions_app.services import cancel_unstarted_sessions, end_session, start_session
from tests.conftest import bearer, jwt_client
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db


def _cancel(learner, booking):
    return bearer(learner).post(f"/api/learner/bookings/{booking.pk}/cancel/")


def _entries(booking):
    return {e.kind: e for e in LedgerEntry.objects.filter(booking=booking)}


def _net(mentor) -> Decimal:
    return LedgerEntry.objects.filter(mentor=mentor).aggregate(t=Sum("net"))["t"] or Decimal(0)


def test_a_learner_cancelling_in_the_free_window_gets_everything_back(mentor, learner):
    session = make_session(
        mentor, starts_at=timezone.now() + timedelta(days=3), price=Decimal("40")
    )
    booking = make_booking(session, learner)
    response = _cancel(learner, booking)
    assert response.status_code == 200
    assert response.json() == {"status": "cancelled", "refund": "40.00"}
    entries = _entries(booking)
    assert entries["booking"].gross == Decimal("40.00") and entries["refund"].gross == -40
    assert entries["refund"].reason == "learner_cancel_free"
    assert _net(mentor) == 0  # nothing kept, no fee charged
    assert Session.objects.get(pk=session.pk).booked_count == 0  # the seat frees


def test_a_late_cancel_refunds_the_mentors_percentage_and_pays_the_rest(mentor, learner):
    update_policy(mentor, free_cancel_hours=48, late_cancel_refund_percent=30)
    session = make_session(
        mentor, starts_at=timezone.now() + timedelta(hours=30), price=Decimal("50")
    )
    booking = make_booking(session, learner)
    assert _cancel(learner, booking).json() == {"status": "cancelled", "refund": "15.00"}
    entries = _entries(booking)
    assert entries["refund"].reason == "learner_cancel_late"
    assert entries["refund"].gross == Decimal("-15.00")
    # The mentor keeps 35.00 less the 10 % fee on it: 31.50, pending like any credit.
    assert _net(mentor) == Decimal("31.50")
    assert compute_balances(mentor).pending == Decimal("31.50")
    booking.refresh_from_db()
    assert booking.refund_amount == Decimal("15.00")


def test_a_zero_percent_policy_refunds_nothing_late(mentor, learner):
    update_policy(mentor, free_cancel_hours=24, late_cancel_refund_percent=0)
    session = make_session(mentor, starts_at=timezone.now() + timedelta(hours=3))
    booking = make_booking(session, learner)
    assert _cancel(learner, booking).json()["refund"] == "0.00"
    assert set(_entries(booking)) == {"booking"}  # no refund entry for nothing


def test_after_the_mentor_moved_the_session_a_late_cancel_is_refunded_in_full(
    mentor, learner, mentor_api
):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(days=3))
    booking = make_booking(session, learner)
    new = (timezone.now() + timedelta(hours=5)).replace(microsecond=0)
    moved = mentor_api.post(
        f"/api/sessions/{session.pk}/reschedule/", {"starts_at": new.isoformat()}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    assert _cancel(learner, booking).json() == {"status": "cancelled", "refund": "25.00"}
    assert _entries(booking)["refund"].reason == "learner_cancel_rescheduled"
    assert _net(mentor) == 0


def test_a_mentor_cancel_refunds_every_learner_in_full(mentor, learner, other_learner, mentor_api):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(hours=2))
    first, second = make_booking(session, learner), make_booking(session, other_learner)
    response = mentor_api.post(
        f"/api/sessions/{session.pk}/cancel/", {"reason": "Ill"}, format="json"
    )
    assert response.status_code == 200
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == "cancelled" and booking.refund_amount == Decimal("25.00")
        assert _entries(booking)["refund"].reason == "mentor_cancel"
    assert _net(mentor) == 0
    rows = bearer(learner).get("/api/learner/bookings/").json()["results"]
    assert rows[0]["refund"] == "25.00"
    note = Notification.objects.get(user=learner, kind="session_changed")
    assert "refunded in full" in note.body


def test_a_learner_no_show_gets_nothing_back_and_the_mentor_is_paid(mentor, learner, other_learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=5))
    present, absent = make_booking(session, learner), make_booking(session, other_learner)
    start_session(mentor, session)
    Booking.objects.filter(pk=present.pk).update(joined_at=timezone.now())
    session.refresh_from_db()
    end_session(mentor, session)
    absent.refresh_from_db()
    assert absent.status == "no_show" and absent.refund_amount is None
    assert set(_entries(absent)) == {"booking"}
    assert _entries(absent)["booking"].reason == "learner_no_show"
    assert _net(mentor) == Decimal("45.00")  # two seats of 25.00 less 10 %
    rows = {
        r["id"]: r for r in bearer(other_learner).get("/api/learner/bookings/").json()["results"]
    }
    assert rows[absent.pk]["status"] == "no_show" and rows[absent.pk]["refund"] is None


def test_a_mentor_no_show_is_cancelled_after_15_minutes_with_full_refunds(
    mentor, learner, other_learner
):
    late = make_session(mentor, starts_at=timezone.now() - timedelta(minutes=16))
    bookings = [make_booking(late, learner), make_booking(late, other_learner)]
    grace = make_session(
        mentor, starts_at=timezone.now() - timedelta(minutes=10), title="Still in grace"
    )
    make_booking(grace, learner)
    run_all_jobs()
    late.refresh_from_db()
    grace.refresh_from_db()
    assert late.status == "cancelled" and late.mentor_no_show
    assert grace.status == "scheduled"  # inside the 15 minutes: the mentor may still start
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.refund_amount == Decimal("25.00")
        assert _entries(booking)["refund"].reason == "mentor_no_show"
        note = Notification.objects.get(user=booking.learner, kind="session_changed")
        assert "refunded in full" in note.body
    assert _net(mentor) == 0
    assert cancel_unstarted_sessions() == 0  # idempotent: nothing refunded twice
    assert LedgerEntry.objects.filter(kind="refund").count() == 2


def test_a_mentor_no_show_counts_in_reliability(mentor, learner, mentor_api):
    from tests.earnings.builders import completed_session

    for i in range(3):
        completed_session(
            mentor, [learner], ended_at=timezone.now() - timedelta(days=i + 1), title=f"Held {i}"
        )
    missed = make_session(mentor, starts_at=timezone.now() - timedelta(hours=1))
    make_booking(missed, learner)
    cancel_unstarted_sessions()
    data = mentor_api.get("/api/analytics/?period=30d").json()
    assert data["reliability"] == {"rate": 0.75, "held": 3, "mentor_no_shows": 1}
    page = jwt_client(mentor).get("/mentor/dashboard/analytics/?period=30d").content.decode()
    assert 'data-card="reliability"' in page and "75 %" in page and "1 not started" in page


def test_cancelling_twice_answers_409_and_refunds_once(mentor, learner):
    session = make_session(mentor)
    booking = make_booking(session, learner)
    assert _cancel(learner, booking).status_code == 200
    assert _cancel(learner, booking).status_code == 409
    assert LedgerEntry.objects.filter(booking=booking, kind="refund").count() == 1


def test_another_learners_booking_answers_404(mentor, learner, other_learner):
    booking = make_booking(make_session(mentor), learner)
    assert _cancel(other_learner, booking).status_code == 404
    assert not LedgerEntry.objects.exists()


def test_the_cancel_dialog_and_page_say_what_comes_back(mentor, learner):
    session = make_session(mentor, starts_at=timezone.now() + timedelta(hours=3))
    make_booking(session, learner)
    client = jwt_client(learner)
    dialog = client.get(f"/sessions/{session.pk}/cancel-booking/", headers={"HX-Request": "true"})
    assert "You get USD\u00a012.50 back." in dialog.content.decode()
    done = client.post(f"/sessions/{session.pk}/cancel-booking/", headers={"HX-Request": "true"})
    assert "Refund: USD\u00a012.50." in done.content.decode()
