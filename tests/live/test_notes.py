"""Session notes (the mentor writes, booked learners read after the session) and what the
room leaves on the session's details: notes, chat transcript, the summary's chat count."""

import pytest
from rest_framework.test import APIClient

from live import notes
from live.models import ChatMessage, SessionNotes
from sessions_app.models import Booking, Session
from tests.conftest import bearer, jwt_client
from tests.live.builders import book, make_session

pytestmark = pytest.mark.django_db

EVIL = "**Homework**: read [the docs](https://docs.djangoproject.com)\n\n<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))"


@pytest.fixture
def done(mentor, learner):
    session = make_session(mentor, status=Session.Status.COMPLETED)
    book(session, learner, Booking.Status.ATTENDED)
    return session


def notes_url(session) -> str:
    return f"/live/{session.pk}/notes/"


def api_url(session) -> str:
    return f"/api/sessions/{session.pk}/notes/"


def assert_clean(html: str):
    assert "<strong>Homework</strong>" in html
    assert 'href="https://docs.djangoproject.com"' in html
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in html, html


# --- The mentor's notes page ------------------------------------------------------------------


def test_the_mentor_writes_notes_in_the_markdown_editor(mentor, done):
    client = jwt_client(mentor)
    page = client.get(notes_url(done))
    body = page.content.decode()
    assert page.status_code == 200
    assert "data-md-editor" in body and 'name="notes"' in body and "Save notes" in body

    response = client.post(notes_url(done), {"notes": EVIL})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    row = SessionNotes.objects.get(session=done)
    assert_clean(row.body)
    assert row.body_markdown.startswith("**Homework**")
    again = client.get(response["Location"]).content.decode()
    assert "Notes saved." in again and "**Homework**" in again  # the editor shows the source


def test_notes_over_the_limit_are_refused_on_the_field(mentor, done):
    response = jwt_client(mentor).post(notes_url(done), {"notes": "x" * (notes.MAX_LENGTH + 1)})
    assert response.status_code == 422
    assert notes.TOO_LONG in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not SessionNotes.objects.filter(session=done).exists()


def test_only_the_sessions_mentor_opens_the_notes_page(learner, other_mentor, done):
    assert jwt_client(learner).get(notes_url(done)).status_code == 403
    assert jwt_client(learner).post(notes_url(done), {"notes": "hi"}).status_code == 403
    assert jwt_client(other_mentor).get(notes_url(done)).status_code == 404
    assert jwt_client(other_mentor).post(notes_url(done), {"notes": "hi"}).status_code == 404
    assert not SessionNotes.objects.exists()
    assert jwt_client(None).get(notes_url(done)).status_code == 302  # to the sign-in page


# --- Learners read them after the session ---------------------------------------------------


def test_booked_learners_read_the_sanitised_notes_on_the_session_page_after_it(
    mentor, learner, done
):
    notes.save_notes(mentor, done, EVIL)
    body = jwt_client(learner).get(f"/sessions/{done.pk}/").content.decode()
    assert 'id="session-notes"' in body
    assert_clean(body[body.index('id="session-notes"') :])
    assert "Edit notes" not in body


def test_learners_do_not_see_notes_before_the_session_is_over(mentor, learner):
    session = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=60)
    book(session, learner)
    notes.save_notes(mentor, session, "Prep: install Django")
    body = jwt_client(learner).get(f"/sessions/{session.pk}/").content.decode()
    assert "install Django" not in body and 'id="session-notes"' not in body
    assert bearer(learner).get(api_url(session)).status_code == 404
    # The mentor sees their draft notes in the session dialog all along.
    dialog = jwt_client(mentor).get(
        f"/mentor/dashboard/sessions/{session.pk}/", HTTP_HX_REQUEST="true"
    )
    assert "install Django" in dialog.content.decode() and "Edit notes" in dialog.content.decode()


def test_a_learner_with_nothing_to_read_is_told_so(learner, done):
    body = jwt_client(learner).get(f"/sessions/{done.pk}/").content.decode()
    assert "hasn't shared notes for this session yet" in body


def test_a_cancelled_booking_sees_no_notes(mentor, learner, done):
    notes.save_notes(mentor, done, "secret plan")
    Booking.objects.filter(session=done, learner=learner).update(status="cancelled")
    assert bearer(learner).get(api_url(done)).status_code == 404


# --- The API ---------------------------------------------------------------------------------


def test_the_api_lets_the_mentor_write_and_members_read(mentor, learner, done):
    response = bearer(mentor).put(api_url(done), {"notes": EVIL}, format="json")
    assert response.status_code == 200
    assert_clean(response.json()["notes"])
    assert response.json()["notes_markdown"].startswith("**Homework**")
    patched = bearer(mentor).patch(api_url(done), {"notes": "Short *recap*"}, format="json")
    assert patched.json()["notes"] == "<p>Short <em>recap</em></p>"
    read = bearer(learner).get(api_url(done))
    assert read.status_code == 200 and read.json()["notes"] == "<p>Short <em>recap</em></p>"
    assert SessionNotes.objects.get(session=done).body_markdown == "Short *recap*"


def test_the_api_refuses_writers_other_than_the_mentor(learner, other_mentor, other_learner, done):
    assert bearer(learner).put(api_url(done), {"notes": "x"}, format="json").status_code == 403
    for user in (other_mentor, other_learner):
        assert bearer(user).put(api_url(done), {"notes": "x"}, format="json").status_code == 404
        assert bearer(user).get(api_url(done)).status_code == 404
    assert APIClient().get(api_url(done)).status_code == 401
    assert not SessionNotes.objects.exists()


def test_the_api_answers_bad_notes_with_a_field_error(mentor, done):
    client = bearer(mentor)
    too_long = client.put(api_url(done), {"notes": "x" * (notes.MAX_LENGTH + 1)}, format="json")
    assert too_long.status_code == 400 and too_long.json() == {"notes": [notes.TOO_LONG]}
    missing = client.put(api_url(done), {}, format="json")
    assert missing.status_code == 400 and "notes" in missing.json()
    wrong = client.put(api_url(done), {"notes": ["a"]}, format="json")
    assert wrong.status_code == 400 and "notes" in wrong.json()
    assert not SessionNotes.objects.exists()


def test_empty_notes_read_as_empty(mentor, done):
    body = bearer(mentor).get(api_url(done)).json()
    assert body == {"notes": "", "notes_markdown": "", "updated_at": None}


# --- The chat on the details, and in the summary ---------------------------------------------


def test_members_read_the_chat_transcript_escaped_after_the_session(mentor, learner, done):
    ChatMessage.objects.create(session=done, author=learner, text="<script>x()</script> thanks!")
    ChatMessage.objects.create(session=done, author=mentor, text="See you\nnext week")
    learner_page = jwt_client(learner).get(f"/sessions/{done.pk}/").content.decode()
    dialog = (
        jwt_client(mentor)
        .get(f"/mentor/dashboard/sessions/{done.pk}/", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    for body in (learner_page, dialog):
        assert 'id="chat-transcript"' in body and "2 messages" in body
        assert "&lt;script&gt;x()&lt;/script&gt; thanks!" in body
        assert "<script>x()" not in body
        assert body.index("&lt;script&gt;x()") < body.index("See you\nnext week")


def test_the_transcript_needs_a_constant_number_of_queries(
    mentor, learner, done, django_assert_max_num_queries
):
    client = jwt_client(learner)
    ChatMessage.objects.create(session=done, author=mentor, text="one")
    with django_assert_max_num_queries(30) as few:
        client.get(f"/sessions/{done.pk}/")
    ChatMessage.objects.bulk_create(
        ChatMessage(session=done, author=a, text="more") for a in [mentor, learner] * 40
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(f"/sessions/{done.pk}/").content.decode()
    assert "81 messages" in body


def test_the_mentors_summary_counts_the_chat_messages(mentor, learner, done):
    ChatMessage.objects.bulk_create(
        ChatMessage(session=done, author=a, text="hi") for a in (mentor, learner, learner)
    )
    body = jwt_client(mentor).get(f"/live/{done.pk}/").content.decode()
    summary = body[body.index('id="session-summary"') :]
    assert "data-summary-chat>3 messages<" in summary
    assert "Write session notes" in body


def test_no_transcript_for_someone_who_did_not_book(mentor, other_learner, done):
    ChatMessage.objects.create(session=done, author=mentor, text="members only")
    response = jwt_client(other_learner).get(f"/sessions/{done.pk}/")
    assert response.status_code == 404


def test_unstorable_characters_never_reach_the_database(mentor, done):
    page = jwt_client(mentor).post(notes_url(done), {"notes": "a\x00b\x07c\nnext"})
    assert page.status_code == 302
    assert SessionNotes.objects.get(session=done).body_markdown == "abc\nnext"
    api = bearer(mentor).put(
        api_url(done), '{"notes": "x\\ud800y"}', content_type="application/json"
    )
    assert api.status_code == 400  # refused by the parser, never a 500
    nul = bearer(mentor).put(api_url(done), {"notes": "x\x00y"}, format="json")
    assert nul.status_code == 400 and "notes" in nul.json()
