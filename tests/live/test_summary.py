"""Attendance recorded on join, the mentor's call summary and the learner's rating link."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from live import queries, services
from live.models import Presence
from sessions_app.models import Booking, Review, Session
from tests.conftest import jwt_client
from tests.live.builders import book, make_session

T0 = timezone.now().replace(microsecond=0) - timedelta(hours=2)


def at(minutes: float):
    return T0 + timedelta(minutes=minutes)


def presence(session, user, joined: float, left: float | None, channel: str):
    row = Presence.objects.create(session=session, user=user, channel_name=channel)
    Presence.objects.filter(pk=row.pk).update(
        joined_at=at(joined), left_at=None if left is None else at(left)
    )


def completed(mentor, *, started: float = 0, ended: float = 45):
    return make_session(
        mentor,
        status=Session.Status.COMPLETED,
        started_at=at(started),
        ended_at=at(ended),
    )


@pytest.mark.django_db
def test_joining_records_attendance_once(learner, live_session):
    services.record_join(learner, live_session.pk, "chan-1", f"{learner.pk}-pageaaa")
    first = Booking.objects.get(session=live_session, learner=learner).joined_at
    assert first is not None
    # A reload joins again on a new connection: same attendance, the old row closed.
    services.record_join(learner, live_session.pk, "chan-2", f"{learner.pk}-pagebbb")
    assert Booking.objects.get(session=live_session, learner=learner).joined_at == first
    rows = Presence.objects.filter(session=live_session, user=learner)
    assert rows.count() == 2 and rows.filter(left_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_mentor_joining_stamps_no_booking(mentor, learner, live_session):
    services.record_join(mentor, live_session.pk, "chan-m", f"{mentor.pk}-pageaaa")
    assert Booking.objects.get(session=live_session, learner=learner).joined_at is None


@pytest.mark.django_db(transaction=True)
def test_ending_the_call_turns_joins_into_the_summary(mentor, learner, other_learner):
    session = make_session(mentor)
    book(session, learner)
    book(session, other_learner)
    services.record_join(mentor, session.pk, "chan-m", f"{mentor.pk}-pagem")
    services.record_join(learner, session.pk, "chan-1", f"{learner.pk}-page1")
    Session.objects.filter(pk=session.pk).update(started_at=timezone.now() - timedelta(minutes=3))
    session.refresh_from_db()
    services.end_room(mentor, session)
    session.refresh_from_db()
    summary = queries.call_summary(session)
    assert [a.name for a in summary.attended] == [learner.display_name]
    assert summary.absent == [other_learner.display_name]
    assert summary.booked == 2
    assert summary.label == "3 min"


@pytest.mark.django_db
def test_summary_counts_time_in_the_call_once_across_tabs(mentor, learner, other_learner):
    session = completed(mentor, started=0, ended=45)
    book(session, learner, Booking.Status.ATTENDED)
    book(session, other_learner, Booking.Status.ATTENDED)
    # Lea: two overlapping tabs (5→20 and 10→30), back later 40→(still open at the end).
    presence(session, learner, 5, 20, "a")
    presence(session, learner, 10, 30, "b")
    presence(session, learner, 40, None, "c")
    # Leo: in before the start (waiting) and after the end: clipped to the call.
    presence(session, other_learner, -3, 50, "d")
    summary = queries.call_summary(session)
    assert summary.seconds == 45 * 60 and summary.label == "45 min"
    minutes = {a.name: a.seconds // 60 for a in summary.attended}
    assert minutes == {learner.display_name: 30, other_learner.display_name: 45}
    assert summary.absent == []


@pytest.mark.django_db
def test_summary_is_only_for_completed_sessions(mentor):
    assert queries.call_summary(make_session(mentor)) is None
    cancelled = make_session(mentor, status=Session.Status.CANCELLED)
    assert queries.call_summary(cancelled) is None


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0, "under 1 min"),
        (59, "under 1 min"),
        (60, "1 min"),
        (45 * 60 + 30, "45 min"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
    ],
)
def test_duration_label(seconds, label):
    assert queries.duration_label(seconds) == label


@pytest.mark.django_db
def test_the_ended_room_shows_the_mentor_the_summary(mentor, learner, other_learner):
    session = completed(mentor, started=0, ended=62)
    book(session, learner, Booking.Status.ATTENDED)
    book(session, other_learner, Booking.Status.NO_SHOW)
    presence(session, learner, 2, 60, "a")
    body = jwt_client(mentor).get(f"/live/{session.pk}/").content.decode()
    assert 'id="session-summary"' in body and 'aria-labelledby="summary-title"' in body
    assert "1 h 2 min" in body and "1 of 2 booked" in body
    assert learner.display_name in body and "58 min in the call" in body
    assert f"Didn't join: {other_learner.display_name}" in body


@pytest.mark.django_db
def test_an_attended_learner_is_offered_rate_this_session_once(mentor, learner):
    session = completed(mentor)
    book(session, learner, Booking.Status.ATTENDED)
    client = jwt_client(learner)
    body = client.get(f"/live/{session.pk}/").content.decode()
    assert (
        "Rate this session" in body
        and f'href="{reverse("session_review", args=[session.pk])}"' in body
    )
    assert 'id="session-summary"' not in body  # the summary is the mentor's
    Review.objects.create(session=session, learner=learner, mentor=mentor, rating=5)
    body = client.get(f"/live/{session.pk}/").content.decode()
    assert "Rate this session" not in body and "Back to my home" in body


@pytest.mark.django_db
def test_a_no_show_learner_is_not_offered_a_rating(mentor, learner):
    session = completed(mentor)
    book(session, learner, Booking.Status.NO_SHOW)
    body = jwt_client(learner).get(f"/live/{session.pk}/").content.decode()
    assert "Session ended" in body and "Rate this session" not in body


@pytest.mark.django_db
def test_the_page_that_watched_the_end_gets_only_the_ended_panel(mentor, learner):
    session = completed(mentor)
    book(session, learner, Booking.Status.ATTENDED)
    response = jwt_client(learner).get(f"/live/{session.pk}/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="ended-panel"')
    assert "Rate this session" in body and "live-config" not in body


@pytest.mark.django_db
def test_a_live_room_renders_no_summary_and_no_rating(mentor_client, learner_client, live_session):
    for client in (mentor_client, learner_client):
        body = client.get(f"/live/{live_session.pk}/").content.decode()
        assert 'id="session-summary"' not in body and "Rate this session" not in body
