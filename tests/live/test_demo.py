"""The demo data gives `mentor`'s latest attended session a chat and notes, once."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from live.models import ChatMessage, SessionNotes
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_chat_and_notes_the_learner_can_read(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    notes = SessionNotes.objects.get()
    session = notes.session
    assert session.mentor.username == "mentor" and session.status == "completed"
    assert ChatMessage.objects.filter(session=session).count() == 4
    assert ChatMessage.objects.count() == 4
    learner = User.objects.get(username="learner")
    chat = bearer(learner).get(f"/api/sessions/{session.pk}/chat/").json()
    assert [m["text"] for m in chat["results"]][0].startswith("Welcome!")
    read = bearer(learner).get(f"/api/sessions/{session.pk}/notes/").json()
    assert "<strong>Project layout</strong>" in read["notes"]
