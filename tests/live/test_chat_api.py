"""GET /api/sessions/<id>/chat/: the session's members read its chat; nobody else learns it exists."""

import pytest
from rest_framework.test import APIClient

from live.models import ChatMessage
from sessions_app.models import Booking, Session
from tests.conftest import bearer, make_user
from tests.live.builders import book, make_session

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return f"/api/sessions/{session.pk}/chat/"


@pytest.fixture
def talked(mentor, learner, live_session):
    ChatMessage.objects.create(session=live_session, author=mentor, text="Welcome!")
    ChatMessage.objects.create(session=live_session, author=learner, text="<i>Hi</i> & thanks")
    return live_session


def test_members_read_the_chat_oldest_first(mentor, learner, talked):
    for user in (mentor, learner):
        response = bearer(user).get(url(talked))
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2 and body["next"] is None and body["previous"] is None
        first, second = body["results"]
        assert set(first) == {"id", "author", "author_name", "text", "created_at"}
        assert (first["author"], first["author_name"], first["text"]) == (
            mentor.pk,
            mentor.display_name,
            "Welcome!",
        )
        assert (second["author"], second["text"]) == (learner.pk, "<i>Hi</i> & thanks")
        assert first["created_at"].endswith(("Z", "+00:00")) or "+" in first["created_at"]


def test_a_completed_sessions_chat_stays_readable(mentor, learner, talked):
    Session.objects.filter(pk=talked.pk).update(status=Session.Status.COMPLETED)
    Booking.objects.filter(session=talked).update(status=Booking.Status.ATTENDED)
    assert bearer(learner).get(url(talked)).json()["count"] == 2


def test_everyone_else_gets_404(other_mentor, other_learner, staff, learner, talked):
    for user in (other_mentor, other_learner, staff):
        response = bearer(user).get(url(talked))
        assert response.status_code == 404, user
    Booking.objects.filter(session=talked, learner=learner).update(status="cancelled")
    assert bearer(learner).get(url(talked)).status_code == 404
    assert bearer(learner).get("/api/sessions/999999/chat/").status_code == 404


def test_no_token_is_401(talked):
    assert APIClient().get(url(talked)).status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer nope")
    assert bad.get(url(talked)).status_code == 401


def test_the_chat_is_read_only(mentor, talked):
    response = bearer(mentor).post(url(talked), {"text": "sneaky"}, format="json")
    assert response.status_code == 405
    assert ChatMessage.objects.filter(text="sneaky").count() == 0


def test_it_pages_through_a_long_chat_in_order(mentor, learner, live_session):
    ChatMessage.objects.bulk_create(
        ChatMessage(session=live_session, author=mentor, text=f"line {i}") for i in range(45)
    )
    client = bearer(learner)
    first = client.get(url(live_session)).json()
    assert first["count"] == 45 and len(first["results"]) == 20
    assert first["results"][0]["text"] == "line 0"
    last = client.get(url(live_session), {"page": 3}).json()
    assert [m["text"] for m in last["results"]] == [f"line {i}" for i in range(40, 45)]


def test_the_query_count_does_not_grow_with_messages_or_authors(
    mentor, django_assert_max_num_queries
):
    live_session = make_session(mentor, capacity=50)
    client = bearer(mentor)

    def add(n, offset):
        people = [make_user(f"chat_l{offset + i}") for i in range(n)]
        for person in people:
            book(live_session, person)
        ChatMessage.objects.bulk_create(
            ChatMessage(session=live_session, author=p, text=f"from {p.username}") for p in people
        )

    add(2, 0)
    with django_assert_max_num_queries(6):
        small = client.get(url(live_session))
    add(18, 100)
    with django_assert_max_num_queries(6):
        large = client.get(url(live_session))
    assert small.json()["count"] == 2 and large.json()["count"] == 20
    names = {m["author_name"] for m in large.json()["results"]}
    assert len(names) == 20


def test_a_mentor_author_is_named_by_the_profile_without_extra_queries(
    mentor, other_mentor, live_session, django_assert_max_num_queries
):
    ChatMessage.objects.create(session=live_session, author=mentor, text="hello")
    with django_assert_max_num_queries(6):
        body = bearer(mentor).get(url(live_session)).json()
    assert body["results"][0]["author_name"] == mentor.display_name


def test_another_session_of_the_same_mentor_has_its_own_chat(mentor, learner, talked):
    other = make_session(mentor, title="Another")
    book(other, learner)
    assert bearer(learner).get(url(other)).json()["count"] == 0
