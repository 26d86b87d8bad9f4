"""The room's text chat: plain-text messages over the signaling socket, kept per session.

A member (the mentor or a booked learner) posts `{"type": "chat", "text": …}` on
`/ws/live/<id>/` while the session is live; `post_message` cleans the text,
checks the sender's rate, stores the row and, after commit, broadcasts
`{"type": "chat", "message": {id, author, author_name, text, created_at}}` to every
page of the room. Each (re)connect's `hello` carries the recent history, so a page
that dropped off catches up. Afterwards the members read the whole transcript on
the session's details (`{% session_record %}`) and through
`GET /api/sessions/<id>/chat/`.

Text is stored as typed, minus control and bidi-override characters, and is
only ever shown escaped (textContent in the room, autoescape in templates).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from core.errors import DomainError
from notifications.services import push_to_group
from sessions_app.models import Session

from . import services
from .models import ChatMessage

MAX_LENGTH = 1000  # characters, after cleaning
RATE_MAX_MESSAGES = 5  # per member and session …
RATE_WINDOW = timedelta(seconds=5)  # … in this window
HISTORY_SIZE = 50  # messages sent with every hello

# Bidirectional overrides and isolates can make a line read backwards
# ("…exe.txt"); zero-width joiners stay (emoji sequences need them).
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

EMPTY = "Write a message first."
TOO_LONG = f"Messages are limited to {MAX_LENGTH} characters."
RATE = "You're sending messages too fast. Wait a few seconds and try again."
NOT_LIVE = "The chat is open while the session is live."
NOT_MEMBER = "This chat is for the mentor and the learners who booked the session."


class ChatError(DomainError):
    """A message that was not posted; `code` goes into the socket's error frame."""

    def __init__(self, code: str, message: str):
        super().__init__(message, field="text")
        self.code = code


class ChatRateLimited(ChatError):
    status_code = 429


def clean_text(text) -> str:
    """The message as it is stored: line breaks kept (\\r\\n → \\n), tabs as spaces,
    other control, surrogate and bidi-override characters dropped, ends trimmed."""
    if not isinstance(text, str):
        raise ChatError("chat_invalid", "A chat message must be text.")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = []
    for char in text:
        if char == "\n":
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in _BIDI:
            continue
        kept.append(char)
    cleaned = "".join(kept).strip()
    if not cleaned:
        raise ChatError("chat_empty", EMPTY)
    if len(cleaned) > MAX_LENGTH:
        raise ChatError("chat_too_long", TOO_LONG)
    return cleaned


def payload(message: ChatMessage) -> dict:
    """A message as the socket and the API show it."""
    return {
        "id": message.pk,
        "author": message.author_id,
        "author_name": message.author.display_name,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }


def post_message(user, session_id: int, text) -> ChatMessage:
    """Store a member's message, then (after commit) broadcast it to the room."""
    cleaned = clean_text(text)
    with transaction.atomic():
        # Lock the author's row: their rate check and insert are one step, also
        # on PostgreSQL (SQLite's IMMEDIATE transactions serialise anyway).
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        session = Session.objects.select_related("mentor").filter(pk=session_id).first()
        if session is None or services.membership(user, session) is None:
            raise ChatError("chat_forbidden", NOT_MEMBER)
        if session.status != Session.Status.LIVE:
            raise ChatError("chat_closed", NOT_LIVE)
        since = timezone.now() - RATE_WINDOW
        recent = ChatMessage.objects.filter(
            session_id=session_id, author_id=user.pk, created_at__gte=since
        ).count()
        if recent >= RATE_MAX_MESSAGES:
            raise ChatRateLimited("chat_rate_limited", RATE)
        message = ChatMessage.objects.create(session=session, author=user, text=cleaned)
        push_to_group(
            services.room_group(session_id), {"type": "room.chat", "message": payload(message)}
        )
    return message


# --- Reads ------------------------------------------------------------------------------


def messages_of(session_id: int):
    """The session's messages, oldest first, authors' names without a query each."""
    return (
        ChatMessage.objects.filter(session_id=session_id)
        .select_related("author", "author__mentor_profile")
        .order_by("id")
    )


def recent_messages(session_id: int, limit: int = HISTORY_SIZE) -> list[dict]:
    """The last `limit` messages, oldest first (the history a (re)connecting page gets)."""
    rows = list(messages_of(session_id).order_by("-id")[:limit])
    return [payload(m) for m in reversed(rows)]


TRANSCRIPT_SIZE = 200  # messages shown on the session's details; the API pages through all


def transcript(session_id: int, limit: int = TRANSCRIPT_SIZE) -> dict:
    """The last `limit` messages (oldest first) and how many there are: two queries."""
    total = message_count(session_id)
    rows = list(messages_of(session_id).order_by("-id")[:limit]) if total else []
    return {"messages": rows[::-1], "total": total, "shown": len(rows)}


def message_count(session_id: int) -> int:
    return ChatMessage.objects.filter(session_id=session_id).count()


def member_or_404(user, pk) -> services.Membership:
    """The session's mentor or one of its booked learners; 404 for everyone else
    (other mentors, learners without a booking, unknown ids)."""
    try:
        session = Session.objects.select_related("mentor").get(pk=int(pk))
    except (Session.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such session.") from exc
    member = services.membership(user, session)
    if member is None:
        raise Http404("No such session.")
    return member
