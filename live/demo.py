"""Demo data for the room's records: a chat and notes on `mentor`'s latest completed
session that `learner` attended (idempotent: nothing is added twice)."""

from datetime import timedelta

from sessions_app.models import Booking, Session

from . import notes
from .models import ChatMessage, SessionNotes

NOTES = """Thanks for a great session! What we covered:

- **Project layout**: one app per noun, services for writes
- Tests first for every view

Homework: read [the Django testing docs](https://docs.djangoproject.com/en/stable/topics/testing/)."""

CHAT = [
    ("mentor", 2, "Welcome! Feel free to ask questions here while we go."),
    ("learner", 9, "Could you share the link to the docs you mentioned?"),
    ("mentor", 10, "Sure: https://docs.djangoproject.com/en/stable/topics/testing/"),
    ("learner", 58, "Thanks, this was really helpful!"),
]


def seed(users: dict) -> None:
    mentor, learner = users.get("mentor"), users.get("learner")
    if mentor is None or learner is None:
        return
    session = (
        Session.objects.filter(
            mentor=mentor,
            status=Session.Status.COMPLETED,
            bookings__learner=learner,
            bookings__status=Booking.Status.ATTENDED,
        )
        .order_by("-starts_at")
        .first()
    )
    if session is None:
        return
    if not SessionNotes.objects.filter(session=session).exists():
        notes.save_notes(mentor, session, NOTES)
    if not ChatMessage.objects.filter(session=session).exists():
        start = session.started_at or session.starts_at
        for name, minute, text in CHAT:
            message = ChatMessage.objects.create(session=session, author=users[name], text=text)
            ChatMessage.objects.filter(pk=message.pk).update(
                created_at=start + timedelta(minutes=minute)
            )
