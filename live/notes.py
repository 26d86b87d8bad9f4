"""Session notes: the mentor writes them (the Markdown editor of the bio), the
session's booked learners read the sanitised HTML once the session is over.

One `SessionNotes` row per session, made on the first save. The model renders the
HTML from the Markdown on every write (accounts.richtext), so the admin and the
service store the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404

from accounts.richtext import from_input
from core.errors import DomainError
from sessions_app.models import Session

from . import chat, services
from .models import SessionNotes

MAX_LENGTH = 20_000
TOO_LONG = f"Notes are limited to {MAX_LENGTH:,} characters."
# Control characters other than line breaks and tabs, and lone surrogates (which no
# database stores): dropped before rendering.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Notes:
    html: str  # sanitised, rendered with |safe
    markdown: str  # what the editor shows
    updated_at: object  # datetime | None


EMPTY = Notes("", "", None)


def notes_of(session: Session) -> Notes:
    row = SessionNotes.objects.filter(session=session).first()
    return Notes(row.body, row.body_markdown, row.updated_at) if row else EMPTY


def learners_may_read(session: Session) -> bool:
    """Learners read the notes after the session, never before or when it was cancelled."""
    return session.status == Session.Status.COMPLETED


def save_notes(mentor, session: Session, text) -> Notes:
    """The session's mentor replaces the notes (Markdown; HTML is rendered and cleaned)."""
    if session.mentor_id != mentor.pk:
        raise Http404("No such session.")
    if not isinstance(text, str):
        raise DomainError("Notes must be text.", field="notes")
    if len(text) > MAX_LENGTH:
        raise DomainError(TOO_LONG, field="notes")
    rich = from_input(_UNSTORABLE.sub("", text))
    with transaction.atomic():
        row, _ = SessionNotes.objects.get_or_create(session=session)
        row.body_markdown, row.body = rich.source, rich.html
        row.save()
    return Notes(row.body, row.body_markdown, row.updated_at)


def readable_notes(user, pk) -> tuple[services.Membership, Notes]:
    """The notes a member may read: the mentor always, a booked learner after the
    session; 404 for everyone else (and for learners before the end)."""
    member = chat.member_or_404(user, pk)
    if not member.is_mentor and not learners_may_read(member.session):
        raise Http404("The notes are shared after the session.")
    return member, notes_of(member.session)
