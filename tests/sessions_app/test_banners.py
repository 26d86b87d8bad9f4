"""Session banners tell the truth: "starts in" and "is live — Join" close when
the session starts (mentor), ends or is cancelled, or the learner loses the
seat, at the query (a fresh page load) and not only by a push."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import queries
from notifications.models import Notification
from notifications.templatetags.notifications import countdown_phrase
from sessions_app import services
from sessions_app.models import Booking
from tests.notifications.builders import make_notification
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db


def _soon(mentor, learner, minutes=3, **fields):
    """A session starting in `minutes` with `learner` booked, reminders sent."""
    session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=minutes), **fields)
    make_booking(session, learner)
    assert services.send_session_reminders() == 1
    return session


def _banner_kinds(user) -> list[str]:
    return [n.kind for n in queries.open_banners(user)]


def test_reminders_carry_their_session_and_start_and_show_as_banners(mentor, learner):
    session = _soon(mentor, learner)
    for user in (mentor, learner):
        (banner,) = queries.open_banners(user)
        assert banner.kind == "session_reminder"
        assert (banner.subject_id, banner.starts_at) == (session.pk, session.starts_at)
        assert banner.subject_title == "‘Django basics’"
        assert banner.countdown == "start"


def test_starting_closes_the_mentors_banner_and_turns_the_learners_into_join(mentor, learner):
    session = _soon(mentor, learner)
    services.start_session(mentor, session)
    assert _banner_kinds(mentor) == []
    (live,) = queries.open_banners(learner)
    assert live.kind == "session_live" and live.countdown == "live"
    session.refresh_from_db()
    assert live.starts_at == session.started_at


def test_ending_closes_every_banner_of_the_session(mentor, learner):
    session = _soon(mentor, learner)
    services.start_session(mentor, session)
    services.end_session(mentor, session)
    assert _banner_kinds(mentor) == [] and _banner_kinds(learner) == []
    # Still in the list and unread: only the banner closed.
    assert Notification.objects.filter(user=learner, read_at__isnull=True).count() == 2


def test_cancelling_closes_both_sides_banners(mentor, learner):
    session = _soon(mentor, learner)
    services.cancel_session(mentor, session, "Ill")
    assert _banner_kinds(mentor) == [] and _banner_kinds(learner) == []


def test_a_learner_who_gives_up_the_seat_loses_the_banner(mentor, learner, other_learner):
    session = _soon(mentor, learner, capacity=3)
    booking = Booking.objects.get(session=session, learner=learner)
    services.cancel_booking(learner, booking)
    assert _banner_kinds(learner) == []
    assert _banner_kinds(mentor) == ["session_reminder"]  # the session still starts


def test_a_new_time_closes_the_banner_that_names_the_old_one(mentor, learner):
    session = _soon(mentor, learner, minutes=4)
    services.update_session(mentor, session, starts_at=session.starts_at + timedelta(hours=3))
    assert _banner_kinds(mentor) == [] and _banner_kinds(learner) == []


def test_alerts_without_a_subject_are_left_alone(mentor):
    make_notification(mentor, "Starts in 5 minutes", kind="session_reminder", level="urgent")
    make_notification(mentor, "Payout failed", kind="payout_status", level="urgent")
    assert len(queries.open_banners(mentor)) == 2


def test_open_banners_is_one_query_however_many_sessions(mentor, learner, other_learner):
    for minutes in (2, 3, 4):
        session = make_session(mentor, starts_at=timezone.now() + timedelta(minutes=minutes))
        make_booking(session, learner)
    services.send_session_reminders()
    with CaptureQueriesContext(connection) as ctx:
        assert len(queries.open_banners(learner)) == 3
    assert len(ctx.captured_queries) == 1


def test_a_fresh_page_shows_no_banner_of_an_ended_session(mentor, learner, learner_client):
    session = _soon(mentor, learner)
    services.start_session(mentor, session)
    home = learner_client.get("/").content.decode()
    assert "is live now" in home and f'href="/live/{session.pk}/"' in home
    services.end_session(mentor, session)
    assert f'href="/live/{session.pk}/"' not in learner_client.get("/").content.decode()


def test_a_counting_banner_carries_its_utc_start_and_hides_the_ticking_words(mentor, learner):
    session = _soon(mentor, learner)
    (banner,) = queries.open_banners(mentor)
    with timezone.override(mentor.tzinfo):
        html = render_to_string("notifications/_banner.html", {"n": banner})
    start = session.starts_at.astimezone(timezone.UTC).isoformat()
    assert f'data-starts-at="{start}"' in html and start.endswith("+00:00")
    assert 'data-countdown="start"' in html
    # The ticking words are hidden from screen readers, who get the fixed time.
    ticking = html.split('data-countdown="start"')[1].split(">")[0]
    assert 'aria-hidden="true"' in ticking and "role=" not in ticking
    local = session.starts_at.astimezone(mentor.tzinfo).strftime("%H:%M")
    assert f"starts at {local}" in html
    assert "starts in 3 min" in html or "starts in 2 min" in html


@pytest.mark.parametrize(
    "mode, seconds, words",
    [
        ("start", 150, "starts in 3 min"),
        ("start", 60, "starts in 1 min"),
        ("start", 1, "starts in 1 min"),
        ("start", 0, "is starting now"),
        ("start", -59, "is starting now"),
        ("start", -150, "was due 2 min ago"),
        ("start", 3900, "starts in 1 h 5 min"),
        ("live", -10, "is live now"),
        ("live", -125, "started 2 min ago"),
        ("live", -7200, "started 2 h ago"),
    ],
)
def test_countdown_words(mode, seconds, words):
    now = timezone.now()
    assert countdown_phrase(mode, now + timedelta(seconds=seconds), now) == words
