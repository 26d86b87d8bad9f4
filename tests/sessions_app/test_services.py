"""Session services: validation, lifecycle, bookings, jobs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.jobs import registered_jobs
from notifications.models import Notification
from sessions_app import services
from sessions_app.models import Booking, Session
from sessions_app.signals import session_completed
from tests.conftest import make_user
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db


def valid_fields(**over):
    fields = {
        "title": "Intro to Django",
        "description": "<p>Hello</p>",
        "topic": "Django",
        "starts_at": timezone.now() + timedelta(days=1),
        "duration_minutes": 60,
        "capacity": 3,
        "price": Decimal("20.00"),
    }
    fields.update(over)
    return fields


# --- create / validation ---------------------------------------------------------------


def test_it_creates_a_draft(mentor):
    session = services.create_session(mentor, **valid_fields())
    assert session.status == Session.Status.DRAFT
    assert session.mentor == mentor
    assert session.published_at is None


def test_it_creates_and_publishes_in_one_go(mentor):
    session = services.create_session(mentor, publish=True, **valid_fields())
    assert session.status == Session.Status.SCHEDULED
    assert session.published_at is not None


@pytest.mark.parametrize(
    "over, field",
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"starts_at": timezone.now() - timedelta(minutes=1)}, "starts_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 5}, "capacity"),
        ({"price": Decimal("-1")}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": Decimal("1.005")}, "price"),
        ({"duration_minutes": "ten"}, "duration_minutes"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(mentor, over, field):
    with pytest.raises(DomainError) as info:
        services.create_session(mentor, **valid_fields(**over))
    assert info.value.field == field
    assert not Session.objects.exists()


def test_capacity_above_the_mesh_limit_is_explained(mentor, settings):
    with pytest.raises(DomainError) as info:
        services.create_session(mentor, **valid_fields(capacity=settings.LIVE_MESH_LIMIT + 1))
    assert "SFU" in info.value.message


def test_it_cleans_the_description(mentor):
    dirty = (
        "<p>Hi <strong>there</strong><script>alert(1)</script></p>"
        '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">bad</a>'
        '<a href="https://example.com" onclick="x()">good</a><ul><li>one</li></ul>'
    )
    session = services.create_session(mentor, **valid_fields(description=dirty))
    html = session.description
    assert "<script" not in html and "alert(1)" not in html
    assert "onerror" not in html and "<img" not in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert "<strong>there</strong>" in html
    assert "<li>one</li>" in html
    assert session.description_markdown.endswith("- one")  # what the editor shows
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener"' in html


def test_it_refuses_an_overlap_with_a_scheduled_session(mentor):
    start = (timezone.now() + timedelta(days=3)).replace(hour=12, minute=0, second=0)
    make_session(mentor, title="Morning", starts_at=start, duration_minutes=90)
    with pytest.raises(DomainError) as info:
        services.create_session(
            mentor, publish=True, **valid_fields(starts_at=start + timedelta(minutes=30))
        )
    assert "It overlaps your session ‘Morning’ at" in info.value.message
    # A draft may overlap; publishing it is refused.
    draft = services.create_session(mentor, **valid_fields(starts_at=start + timedelta(minutes=30)))
    with pytest.raises(DomainError):
        services.publish_session(mentor, draft)
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT


def test_a_learner_cannot_create_sessions(learner):
    with pytest.raises(DomainError):
        services.create_session(learner, **valid_fields())


# --- publish / edit / cancel / delete ----------------------------------------------------


def test_publishing_twice_is_a_clear_conflict(mentor):
    session = services.create_session(mentor, **valid_fields())
    services.publish_session(mentor, session)
    with pytest.raises(ConflictError, match="already published"):
        services.publish_session(mentor, session)
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


def test_publishing_a_draft_whose_time_passed_is_refused(mentor):
    session = make_session(
        mentor, status=Session.Status.DRAFT, starts_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(DomainError, match="in the past"):
        services.publish_session(mentor, session)
    session.refresh_from_db()
    assert session.status == Session.Status.DRAFT


def test_another_mentors_session_is_not_found(mentor, other_mentor):
    session = make_session(mentor, status=Session.Status.DRAFT)
    with pytest.raises(Http404):
        services.publish_session(other_mentor, session)
    with pytest.raises(Http404):
        services.update_session(other_mentor, session, title="Mine now")
    session.refresh_from_db()
    assert session.title == "Django basics"


def test_editing_a_completed_session_is_refused(mentor):
    session = make_session(mentor, status=Session.Status.COMPLETED)
    with pytest.raises(ConflictError, match="only be edited before it starts"):
        services.update_session(mentor, session, title="New")
    session.refresh_from_db()
    assert session.title == "Django basics"


def test_editing_a_booked_session_tells_the_learners_what_changed(mentor, learner):
    session = make_session(mentor, reminder_sent_at=timezone.now())
    make_booking(session, learner)
    new_start = session.starts_at + timedelta(hours=2)
    services.update_session(mentor, session, starts_at=new_start, title="Django deep dive")
    session.refresh_from_db()
    assert session.starts_at == new_start
    assert session.reminder_sent_at is None  # the new time gets its own reminder
    note = Notification.objects.get(user=learner, kind="session_changed")
    assert "Django deep dive" in note.title
    assert "New time" in note.body and "New title" in note.body


def test_capacity_cannot_drop_below_the_bookings(mentor, learner, other_learner):
    session = make_session(mentor, capacity=3)
    make_booking(session, learner)
    make_booking(session, other_learner)
    with pytest.raises(DomainError) as info:
        services.update_session(mentor, session, capacity=1)
    assert info.value.field == "capacity"
    session.refresh_from_db()
    assert session.capacity == 3


def test_cancelling_releases_bookings_and_notifies(mentor, learner):
    session = make_session(mentor)
    booking = make_booking(session, learner)
    services.cancel_session(mentor, session, reason="I'm ill")
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancel_reason == "I'm ill"
    assert session.booked_count == 0
    assert booking.status == Booking.Status.CANCELLED
    note = Notification.objects.get(user=learner, kind="session_changed")
    assert "cancelled" in note.title and "I'm ill" in note.body


def test_booking_a_cancelled_session_is_refused(mentor, learner):
    session = make_session(mentor, status=Session.Status.CANCELLED)
    with pytest.raises(ConflictError, match="not open for booking"):
        services.book_session(learner, session)
    assert not Booking.objects.exists()


def test_only_drafts_can_be_deleted(mentor):
    draft = make_session(mentor, status=Session.Status.DRAFT)
    scheduled = make_session(mentor, starts_at=timezone.now() + timedelta(days=5))
    services.delete_draft(mentor, draft)
    assert not Session.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ConflictError):
        services.delete_draft(mentor, scheduled)
    assert Session.objects.filter(pk=scheduled.pk).exists()


# --- booking ----------------------------------------------------------------------------


def test_booking_takes_a_seat_pays_the_price_and_tells_the_mentor(
    mentor, learner, django_capture_on_commit_callbacks
):
    session = make_session(mentor, price=Decimal("30.00"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = services.book_session(learner, session)
    assert booking.amount_paid == Decimal("30.00")
    assert booking.status == Booking.Status.BOOKED
    session.refresh_from_db()
    assert session.booked_count == 1
    note = Notification.objects.get(user=mentor)
    assert note.kind == "booking" and note.title == "New booking: Django basics"
    assert callbacks  # the participant count and the alert are pushed after commit


def test_a_full_session_refuses_the_next_learner(mentor, learner, other_learner):
    session = make_session(mentor, capacity=1)
    services.book_session(learner, session)
    with pytest.raises(ConflictError, match="full"):
        services.book_session(other_learner, session)
    session.refresh_from_db()
    assert session.booked_count == 1
    assert Booking.objects.count() == 1


def test_booking_twice_is_refused(mentor, learner):
    session = make_session(mentor)
    services.book_session(learner, session)
    with pytest.raises(ConflictError, match="already booked"):
        services.book_session(learner, session)
    session.refresh_from_db()
    assert session.booked_count == 1


def test_cancel_booking_frees_the_seat_and_allows_booking_again(mentor, learner):
    session = make_session(mentor, capacity=1)
    booking = services.book_session(learner, session)
    services.cancel_booking(learner, booking)
    session.refresh_from_db()
    assert session.booked_count == 0
    assert Notification.objects.filter(user=mentor, kind="booking_cancelled").exists()
    again = services.book_session(learner, session)
    assert again.pk != booking.pk


def test_someone_elses_booking_cannot_be_cancelled(mentor, learner, other_learner):
    booking = services.book_session(learner, make_session(mentor))
    with pytest.raises(Http404):
        services.cancel_booking(other_learner, booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_the_database_refuses_overbooking(mentor):
    from django.db import IntegrityError, transaction

    session = make_session(mentor, capacity=1, booked_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(booked_count=2)


# --- start / end ----------------------------------------------------------------------


def test_start_is_allowed_from_ten_minutes_before(mentor, learner):
    early = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=30))
    with pytest.raises(DomainError, match="10 minutes"):
        services.start_session(mentor, early)
    soon = make_session(
        mentor, title="Soon", starts_at=timezone.now() + timedelta(minutes=8), capacity=3
    )
    make_booking(soon, learner)
    assert soon.is_startable
    started = services.start_session(mentor, soon)
    assert started.status == Session.Status.LIVE
    assert started.started_at is not None
    note = Notification.objects.get(user=learner, kind="session_live")
    assert note.url == f"/live/{soon.pk}/"
    assert "is live — Join" in note.title
    assert note.level == "urgent"
    # Pressing Start again is harmless.
    assert services.start_session(mentor, soon).status == Session.Status.LIVE


def test_end_marks_attendance_and_sends_the_signal_once(mentor, learner, other_learner):
    session = make_session(
        mentor, status=Session.Status.LIVE, starts_at=timezone.now() - timedelta(minutes=30)
    )
    came = make_booking(session, learner, joined_at=timezone.now())
    missed = make_booking(session, other_learner)
    received = []

    def listener(sender, session, **kwargs):
        received.append((session.pk, session.status))

    session_completed.connect(listener)
    try:
        services.end_session(mentor, session)
        with pytest.raises(ConflictError):
            services.end_session(None, session)
    finally:
        session_completed.disconnect(listener)
    assert received == [(session.pk, Session.Status.COMPLETED)]
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.status == Booking.Status.ATTENDED
    assert missed.status == Booking.Status.NO_SHOW
    session.refresh_from_db()
    assert session.ended_at is not None


# --- jobs --------------------------------------------------------------------------------


def test_jobs_are_registered():
    jobs = registered_jobs()
    assert {"sessions.reminders", "sessions.end_overdue", "sessions.cancel_unstarted"} <= set(jobs)


def test_reminders_go_out_exactly_once(mentor, learner):
    session = make_session(mentor, title="Pairing", starts_at=timezone.now() + timedelta(minutes=5))
    make_booking(session, learner)
    later = make_session(mentor, title="Later", starts_at=timezone.now() + timedelta(hours=2))
    assert services.send_session_reminders() == 1
    assert services.send_session_reminders() == 0
    mentor_note = Notification.objects.get(user=mentor, kind="session_reminder")
    learner_note = Notification.objects.get(user=learner, kind="session_reminder")
    assert mentor_note.title == "Your session ‘Pairing’ starts in 5 minutes"
    assert mentor_note.level == learner_note.level == "urgent"
    # The mentor's banner leads to the room's Start Session; the learners' to the room.
    assert mentor_note.url == learner_note.url == f"/live/{session.pk}/"
    assert (mentor_note.action_label, learner_note.action_label) == (
        "Start Session",
        "Open session",
    )
    later.refresh_from_db()
    assert later.reminder_sent_at is None


def test_overdue_live_sessions_are_ended(mentor, learner, settings):
    settings.SESSION_END_GRACE_MINUTES = 15
    overdue = make_session(
        mentor, status=Session.Status.LIVE, starts_at=timezone.now() - timedelta(minutes=80)
    )
    in_grace = make_session(
        mentor,
        title="Running late",
        status=Session.Status.LIVE,
        starts_at=timezone.now() - timedelta(minutes=70),
    )
    assert services.end_overdue_sessions() == 1
    overdue.refresh_from_db()
    in_grace.refresh_from_db()
    assert overdue.status == Session.Status.COMPLETED
    assert in_grace.status == Session.Status.LIVE


def test_scheduled_sessions_never_started_are_cancelled(mentor, learner):
    missed = make_session(mentor, starts_at=timezone.now() - timedelta(hours=3))
    booking = make_booking(missed, learner)
    running = make_session(mentor, title="Now", starts_at=timezone.now() - timedelta(minutes=10))
    assert services.cancel_unstarted_sessions() == 1
    missed.refresh_from_db()
    booking.refresh_from_db()
    running.refresh_from_db()
    assert missed.status == Session.Status.CANCELLED
    assert "not started" in missed.cancel_reason
    assert booking.status == Booking.Status.CANCELLED
    assert running.status == Session.Status.SCHEDULED
    assert Notification.objects.filter(user=learner, kind="session_changed").exists()


def test_calendar_token_rotates(mentor):
    first = services.rotate_calendar_token(mentor)
    second = services.rotate_calendar_token(mentor)
    assert first != second and len(second) >= 40
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.calendar_token == second


def test_demo_seed_is_idempotent():
    from accounts.demo import seed_accounts
    from sessions_app.demo import seed

    users = seed_accounts()
    seed(users)
    count = Session.objects.count()
    seed(users)
    assert Session.objects.count() == count
    mine = Session.objects.filter(mentor=users["mentor"])
    assert set(mine.values_list("status", flat=True)) == {
        "draft",
        "scheduled",
        "completed",
        "cancelled",
    }
    assert any(s.is_startable for s in mine)
    assert Session.objects.filter(mentor=users["mentor2"]).exists()
    assert Booking.objects.filter(
        learner=users["learner"], session__mentor=users["mentor"], status="booked"
    ).exists()


def test_make_user_helper_gives_mentors_a_profile():
    assert make_user("m_x", "mentor").mentor_profile


def test_learners_read_a_changed_time_in_their_own_zone(mentor, learner):
    far = make_user("learner_far", "learner", timezone="America/New_York")
    year = timezone.now().year + 1
    # 12:00 UTC in July: 14:00 for the mentor in Berlin, 08:00 in New York.
    session = make_session(mentor, starts_at=timezone.datetime(year, 7, 1, 12, tzinfo=timezone.UTC))
    make_booking(session, learner)  # UTC
    make_booking(session, far)
    services.update_session(mentor, session, starts_at=session.starts_at + timedelta(hours=1))
    utc_note = Notification.objects.get(user=learner, kind="session_changed").body
    far_note = Notification.objects.get(user=far, kind="session_changed").body
    day = f"{session.starts_at:%a} 1 Jul {year}"  # the house style; next year's shows its year
    assert f"New time: {day}, 13:00 (was {day}, 12:00, UTC)" in utc_note
    assert f"New time: {day}, 09:00 (was {day}, 08:00, New York (GMT−4))" in far_note


# --- private sessions (accepted requests) --------------------------------------------------


def test_schedule_private_session_books_the_learner_on_a_private_scheduled_session(mentor, learner):
    starts_at = timezone.now() + timedelta(days=2)
    session = services.schedule_private_session(
        mentor, learner, starts_at=starts_at, duration_minutes=45, title="  1:1  ", price="12.5"
    )
    session.refresh_from_db()
    assert (session.status, session.visibility) == ("scheduled", "private")
    assert (session.title, session.capacity, session.booked_count) == ("1:1", 1, 1)
    assert session.price == Decimal("12.50") and session.published_at is not None
    booking = Booking.objects.get(session=session)
    assert (booking.learner, booking.status, booking.amount_paid) == (
        learner,
        "booked",
        Decimal("12.50"),
    )


def test_schedule_private_session_refuses_an_overlap_and_writes_nothing(mentor, learner):
    busy = make_session(mentor, title="Busy", duration_minutes=60)
    make_session(
        mentor, title="Idea", status="draft", starts_at=busy.starts_at
    )  # drafts don't count
    with pytest.raises(DomainError) as info:
        services.schedule_private_session(
            mentor,
            learner,
            starts_at=busy.starts_at + timedelta(minutes=59),
            duration_minutes=30,
            title="Clash",
        )
    assert info.value.field == "starts_at"
    assert "It overlaps your session ‘Busy’ at" in info.value.message
    assert Session.objects.count() == 2 and not Booking.objects.exists()


def test_schedule_private_session_holds_to_the_session_rules(mentor, learner):
    with pytest.raises(DomainError) as info:
        services.schedule_private_session(
            mentor,
            learner,
            starts_at=timezone.now() - timedelta(minutes=5),
            duration_minutes=30,
            title="Past",
        )
    assert info.value.field == "starts_at"
    with pytest.raises(DomainError):
        services.schedule_private_session(
            learner, mentor, starts_at=timezone.now() + timedelta(days=1), duration_minutes=30,
            title="Roles swapped",
        )  # fmt: skip
    assert not Session.objects.exists()
