"""Presence in live rooms (who is connected, since when).

One row per signaling connection: `joined_at` when the participant entered the
call, `left_at` when the socket closed (or the stale-presence job found it
silent). Attendance (`Booking.joined_at`) is derived from the first row.
"""

from django.conf import settings
from django.db import models

from accounts.richtext import settle


class Presence(models.Model):
    session = models.ForeignKey(
        "sessions_app.Session", on_delete=models.CASCADE, related_name="presences"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presences"
    )
    channel_name = models.CharField(max_length=200)
    # "<user id>-<per page id>": how peers address each other in the room.
    peer_id = models.CharField(max_length=64, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["session", "left_at"], name="presence_session_open"),
            models.Index(fields=["channel_name"], name="presence_channel"),
            models.Index(fields=["left_at", "last_seen_at"], name="presence_stale"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.session_id}"

    @property
    def is_open(self) -> bool:
        return self.left_at is None


class ChatMessage(models.Model):
    """A line of the room's text chat (live/chat.py): plain text, stored before it
    is broadcast, kept with the session for its members to read afterwards."""

    session = models.ForeignKey(
        "sessions_app.Session", on_delete=models.CASCADE, related_name="chat_messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    text = models.TextField()  # plain text, control characters stripped; escaped on output
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "id"], name="chat_session_id"),
            models.Index(fields=["author", "session", "created_at"], name="chat_author_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} in {self.session_id}: {self.text[:40]}"


class SessionNotes(models.Model):
    """The mentor's notes on a session (one per session), written in the Markdown
    editor; booked learners read the sanitised HTML once the session is over."""

    session = models.OneToOneField(
        "sessions_app.Session", on_delete=models.CASCADE, related_name="notes"
    )
    body = models.TextField(blank=True)  # sanitised HTML rendered from body_markdown
    body_markdown = models.TextField(blank=True)  # what the mentor edits
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "session notes"

    def __str__(self) -> str:
        return f"Notes on {self.session_id}"

    def save(self, *args, **kwargs):
        # Every write path (service, admin) stores the HTML rendered from the source.
        rich = settle(self.body, self.body_markdown)
        self.body, self.body_markdown = rich.html, rich.source
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body", "body_markdown"}
        super().save(*args, **kwargs)


class JanusRoom(models.Model):
    """The Janus VideoRoom of a group session (created on the first join).

    The room id is random (53 bits) and the secret is ours: nobody joins the
    room without a token our server added to its `allowed` list (live/janus.py).
    """

    session = models.OneToOneField(
        "sessions_app.Session", on_delete=models.CASCADE, related_name="janus_room"
    )
    room_id = models.PositiveBigIntegerField(unique=True)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Janus room of session {self.session_id}"
