"""Mentor reschedule (issue #20 point 5): `reschedule_session` and
POST /api/sessions/<id>/reschedule/, and the calendar following the move
(same UID, higher SEQUENCE, new time; cancelled sessions stay as CANCELLED)."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import MentorProfile
from core.errors import ConflictError, DomainError
from notifications.models import Notification
from sessions_app import messages as msg
from sessions_app.models import Booking, Session
from sessions_app.services import cancel_session, reschedule_session, update_session
from tests.conftest import jwt_client, make_user

from .builders import make_booking, make_session

pytestmark = pytest.mark.django_db


def _later(days=5, hour=9):
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def booked(mentor, learner, other_learner):
    session = make_session(mentor, starts_at=_later(3, 10))
    make_booking(session, learner)
    make_booking(session, other_learner)
    return session


# --- Service ----------------------------------------------------------------------------------


def test_reschedule_moves_the_session_raises_sequence_and_marks_bookings(mentor, booked):
    new = _later(6, 14)
    session = reschedule_session(mentor, booked, new, "Conference")
    assert session.starts_at == new and session.status == "scheduled"
    assert session.sequence == 1
    assert session.reminder_sent_at is None
    bookings = Booking.objects.filter(session=booked)
    assert all(b.rescheduled_by_mentor_at is not None for b in bookings)
    reschedule_session(mentor, session, _later(7, 14))
    assert Session.objects.get(pk=booked.pk).sequence == 2


def test_booked_learners_hear_the_new_time_in_their_own_zone(mentor, learner, other_learner):
    tokyo = make_user("learner_taro", timezone="Asia/Tokyo")
    session = make_session(mentor, starts_at=_later(3, 10))
    make_booking(session, tokyo)
    make_booking(session, learner)
    new = _later(6, 14)  # 14:00 UTC = 23:00 in Tokyo
    reschedule_session(mentor, session, new, "Conference")
    note = Notification.objects.get(user=tokyo, kind="session_rescheduled")
    assert "23:00" in note.body and "Conference" in note.body and "full refund" in note.body
    assert Notification.objects.filter(user=learner, kind="session_rescheduled").exists()
    assert not Notification.objects.filter(user=other_learner).exists()
    assert not Notification.objects.filter(user=mentor, kind="session_rescheduled").exists()


def test_notifications_are_pushed_only_after_commit(
    mentor, booked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reschedule_session(mentor, booked, _later(6, 14))
    assert len(callbacks) >= 2  # one push per learner (and banner hints), all deferred


def test_an_overlapping_time_is_refused_and_nothing_changes(mentor, booked):
    make_session(mentor, title="Other", starts_at=_later(6, 14))
    with pytest.raises(DomainError) as caught:
        reschedule_session(mentor, booked, _later(6, 14) + timedelta(minutes=30))
    assert caught.value.field == "starts_at" and "Other" in caught.value.message
    booked.refresh_from_db()
    assert booked.sequence == 0 and booked.starts_at == _later(3, 10)
    assert not Notification.objects.filter(kind="session_rescheduled").exists()
    assert not Booking.objects.filter(rescheduled_by_mentor_at__isnull=False).exists()


def test_only_the_owner_and_only_a_scheduled_session(mentor, other_mentor, booked):
    from django.http import Http404

    with pytest.raises(Http404):
        reschedule_session(other_mentor, booked, _later(6))
    draft = make_session(mentor, status=Session.Status.DRAFT)
    with pytest.raises(ConflictError):
        reschedule_session(mentor, draft, _later(6))
    with pytest.raises(DomainError):
        reschedule_session(mentor, booked, timezone.now() - timedelta(hours=1))
    with pytest.raises(DomainError) as same:
        reschedule_session(mentor, booked, booked.starts_at)
    assert same.value.message == msg.RESCHEDULE_SAME_TIME


def test_editing_the_time_also_raises_sequence_and_counts_as_a_mentor_move(mentor, booked):
    update_session(mentor, booked, starts_at=_later(8, 9))
    booked.refresh_from_db()
    assert booked.sequence == 1
    assert Booking.objects.filter(session=booked, rescheduled_by_mentor_at__isnull=False).count()


# --- API ---------------------------------------------------------------------------------


def _post(client, session, **body):
    return client.post(f"/api/sessions/{session.pk}/reschedule/", body, format="json")


def test_api_reschedules_and_answers_the_session(mentor_api, booked):
    new = _later(6, 14)
    response = _post(mentor_api, booked, starts_at=new.isoformat(), reason="Clash")
    assert response.status_code == 200, response.json()
    assert response.json()["starts_at"].startswith(new.strftime("%Y-%m-%dT%H:%M"))
    assert Notification.objects.filter(kind="session_rescheduled").count() == 2


def test_api_refusals(mentor, mentor_api, other_mentor_api, learner_api, api_client, booked):
    body = {"starts_at": _later(6).isoformat()}
    assert _post(api_client, booked, **body).status_code == 401
    assert _post(learner_api, booked, **body).status_code == 403
    assert _post(other_mentor_api, booked, **body).status_code == 404
    bad = _post(mentor_api, booked, starts_at="2001-01-01T10:00:00Z")
    assert bad.status_code == 400 and "starts_at" in bad.json()
    assert _post(mentor_api, booked).status_code == 400
    far = _post(mentor_api, booked, starts_at="2090-01-01T10:00:00Z")
    assert far.status_code == 400 and "starts_at" in far.json()
    long_reason = _post(mentor_api, booked, starts_at=_later(6).isoformat(), reason="x" * 501)
    assert long_reason.status_code == 400 and "reason" in long_reason.json()
    cancelled = make_session(mentor, status=Session.Status.CANCELLED, starts_at=_later(9))
    conflict = _post(mentor_api, cancelled, **body)
    assert conflict.status_code == 409
    assert msg.RESCHEDULE_ONLY_SCHEDULED in str(conflict.json())


def test_api_query_count_does_not_grow_with_learners(
    mentor, mentor_api, django_assert_max_num_queries
):
    session = make_session(mentor, capacity=4, starts_at=_later(3, 10))
    make_booking(session, make_user("l1"))
    with django_assert_max_num_queries(60) as small:
        assert _post(mentor_api, session, starts_at=_later(4).isoformat()).status_code == 200
    for name in ("l2", "l3", "l4"):
        make_booking(session, make_user(name))
    per_learner = 3  # the notification row and its pushes' lookups, per learner
    with django_assert_max_num_queries(len(small.captured_queries) + 3 * per_learner):
        assert _post(mentor_api, session, starts_at=_later(5).isoformat()).status_code == 200


# --- Calendar ---------------------------------------------------------------------------


def _events(response):
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_session_ics_keeps_the_uid_and_raises_sequence(mentor, learner, booked):
    client = jwt_client(learner)
    before = _events(client.get(f"/sessions/{booked.pk}/calendar.ics"))
    reschedule_session(mentor, booked, _later(6, 14))
    after = _events(client.get(f"/sessions/{booked.pk}/calendar.ics"))
    assert before.keys() == after.keys()
    (uid,) = after
    assert int(before[uid]["sequence"]) == 0 and int(after[uid]["sequence"]) == 1
    assert after[uid].decoded("dtstart") == _later(6, 14).astimezone(UTC)
    assert after[uid].decoded("last-modified") >= before[uid].decoded("last-modified")


def _feed(mentor):
    token = "t" * 32
    MentorProfile.objects.update_or_create(user=mentor, defaults={"calendar_token": token})
    return jwt_client(None).get(f"/calendar/{token}.ics")


def test_feed_follows_a_move_and_keeps_cancelled_sessions_as_cancelled(mentor, booked):
    old_cancelled = make_session(
        mentor, status=Session.Status.CANCELLED, starts_at=timezone.now() - timedelta(days=40)
    )
    before = _events(_feed(mentor))
    reschedule_session(mentor, booked, _later(6, 14))
    moved = _events(_feed(mentor))
    uid = f"session-{booked.pk}@testserver"
    assert uid in before and uid in moved
    assert int(moved[uid]["sequence"]) == 1 and str(moved[uid]["status"]) == "CONFIRMED"
    cancel_session(mentor, booked, "Ill")
    after = _events(_feed(mentor))
    assert str(after[uid]["status"]) == "CANCELLED"
    assert int(after[uid]["sequence"]) == 1
    assert f"session-{old_cancelled.pk}@testserver" not in after  # older than 30 days


def test_a_learner_of_a_cancelled_session_gets_its_cancellation(mentor, learner, booked):
    cancel_session(mentor, booked, "Ill")
    response = jwt_client(learner).get(f"/sessions/{booked.pk}/calendar.ics")
    assert response.status_code == 200
    (event,) = _events(response).values()
    assert str(event["status"]) == "CANCELLED"
    stranger = make_user("learner_zed")
    assert jwt_client(stranger).get(f"/sessions/{booked.pk}/calendar.ics").status_code == 404


# --- The Reschedule dialog (HTML) -------------------------------------------------------


def _dialog_url(session):
    return f"/mentor/dashboard/sessions/{session.pk}/reschedule/"


def test_the_dialog_moves_the_session_in_the_mentors_zone(mentor, booked):
    client = jwt_client(mentor)
    page = client.get(_dialog_url(booked), HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and b"Reschedule" in page.content
    local = _later(6, 14).astimezone(mentor.tzinfo)  # Berlin
    response = client.post(
        _dialog_url(booked),
        {"date": local.date().isoformat(), "start_time": local.strftime("%H:%M"), "reason": "Trip"},
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.starts_at == _later(6, 14) and booked.sequence == 1


def test_the_dialog_shows_errors_and_refuses_other_states(mentor, other_mentor, booked):
    client = jwt_client(mentor)
    past = client.post(_dialog_url(booked), {"date": "2001-01-01", "start_time": "10:00"})
    assert past.status_code == 422 and b'id="id_start_time_error"' in past.content
    make_session(mentor, title="Busy", starts_at=_later(6, 14))
    local = _later(6, 14).astimezone(mentor.tzinfo)
    clash = client.post(
        _dialog_url(booked),
        {"date": local.date().isoformat(), "start_time": local.strftime("%H:%M")},
        HTTP_HX_REQUEST="true",
    )
    assert clash.status_code == 422 and "Busy" in clash.content.decode()
    draft = make_session(mentor, status=Session.Status.DRAFT)
    assert client.get(_dialog_url(draft)).status_code == 409
    assert jwt_client(other_mentor).get(_dialog_url(booked)).status_code == 404
    booked.refresh_from_db()
    assert booked.sequence == 0


def test_the_menu_offers_reschedule_for_scheduled_sessions(mentor, booked):
    page = jwt_client(mentor).get("/mentor/dashboard/sessions/scheduled/")
    assert _dialog_url(booked).encode() in page.content
