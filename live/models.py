"""Presence in live rooms (who is connected, since when).

One row per signaling connection: `joined_at` when the participant entered the
call, `left_at` when the socket closed (or the stale-presence job found it
silent). Attendance (`Booking.joined_at`) is derived from the first row.
"""

from django.conf import settings
from django.db import models


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
