"""`seed_demo`'s notifications are about real demo objects: every link opens for its reader."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from accounts.models import User
from notifications.models import Notification
from requests_app.models import SessionRequest
from sessions_app.models import Review, Session
from sessions_app.services.reviews import RATE_ACTION
from tests.conftest import jwt_client

pytestmark = pytest.mark.django_db
DEMO_USERS = ["mentor", "mentor2", "learner", "learner2"]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def _notes_by_user():
    for name in DEMO_USERS:
        user = User.objects.get(username=name)
        yield user, list(Notification.objects.filter(user=user))


def test_every_demo_notification_opens_a_page_for_its_owner(demo):
    checked = 0
    for user, notes in _notes_by_user():
        client = jwt_client(user)
        for note in notes:
            assert note.url, f"{note.title!r} links nowhere"
            parts = urlsplit(note.url)  # the #fragment stays in the browser
            response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
            assert response.status_code == 200, f"{user.username}: {note.title!r} → {note.url}"
            if parts.fragment:  # the row it points at is on that page
                assert f'id="{parts.fragment}"' in response.content.decode(), note.url
            checked += 1
    assert checked >= 10


def test_demo_notifications_name_objects_that_exist(demo):
    mentor = User.objects.get(username="mentor")
    kinds = set(Notification.objects.filter(user=mentor).values_list("kind", flat=True))
    assert {"booking", "new_request", "payout_status", "review", "system"} <= kinds
    booking = Notification.objects.get(user=mentor, kind="booking")
    session = Session.objects.get(mentor=mentor, title="System design for beginners")
    assert booking.url == f"/mentor/dashboard/sessions/{session.pk}/"
    assert f"({session.booked_count} / {session.capacity})" in booking.body
    request_note = Notification.objects.get(user=mentor, kind="new_request")
    request_id = int(request_note.url.rsplit("#request-", 1)[1])
    row = SessionRequest.objects.get(pk=request_id, mentor=mentor, status="pending")
    assert row.learner.display_name in request_note.title and row.topic in request_note.body
    review_note = Notification.objects.get(user=mentor, kind="review")
    title = review_note.title.split("“", 1)[1].rstrip("”")
    assert Review.objects.filter(mentor=mentor, rating=5, session__title=title).exists()
    # Nothing made up by an earlier demo (sessions or requests that never existed).
    assert not Notification.objects.filter(title__contains="Django deep dive").exists()


def test_learners_review_prompts_say_rate_session(demo):
    learner = User.objects.get(username="learner")
    prompts = Notification.objects.filter(user=learner, kind="review")
    assert prompts.exists()
    for prompt in prompts:
        assert prompt.action_label == RATE_ACTION == "Rate session"
        assert prompt.url.startswith("/sessions/") and prompt.url.endswith("/review/")
    # Only sessions still to rate are asked about (none the demo has reviewed already).
    for prompt in prompts:
        session_id = int(prompt.url.split("/")[2])
        assert not Review.objects.filter(session_id=session_id, learner=learner).exists()
        assert prompt.created_at == Session.objects.get(pk=session_id).ended_at
    html = jwt_client(learner).get("/notifications/").content.decode()
    assert "Rate session" in html and "Read review" not in html


def test_reseeding_adds_no_notification_and_retires_the_made_up_ones(demo):
    mentor = User.objects.get(username="mentor")
    learner = User.objects.get(username="learner")
    Notification.objects.create(
        user=mentor,
        kind="booking",
        title="Liam Chen booked “Django deep dive”",
        url="/mentor/dashboard/sessions/scheduled/",
    )
    Notification.objects.create(
        user=learner, kind="request_answered", title="Maya Okafor accepted your request", url="/"
    )
    Notification.objects.filter(user=learner, kind="review").update(action="")  # older seed
    before = Notification.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Notification.objects.count() == before - 2
    assert not Notification.objects.filter(title__contains="Django deep dive").exists()
    assert set(
        Notification.objects.filter(user=learner, kind="review").values_list("action", flat=True)
    ) == {RATE_ACTION}


def test_seeding_queues_no_email(demo):
    from mailer.models import Outbox

    assert not Outbox.objects.exists()
