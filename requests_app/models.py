"""Learners' requests for a session with a mentor."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from core.cache import WatchedQuerySet


class SessionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests_received"
    )
    topic = models.CharField(max_length=200)
    message = models.TextField(max_length=2000, blank=True)  # plain text
    preferred_times = models.JSONField(default=list)  # ISO-8601 UTC strings, 1–5
    duration_minutes = models.PositiveIntegerField(default=60)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)
    session = models.OneToOneField(
        "sessions_app.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="origin_request",
    )
    # Latest preferred time: expiry claims pending rows whose last time passed.
    last_preferred_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = WatchedQuerySet.as_manager()  # watched: cached figures (requests_app/apps.py)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["mentor", "status", "-created_at"], name="request_mentor_status"),
            models.Index(fields=["learner", "-created_at"], name="request_learner_newest"),
            models.Index(fields=["status", "last_preferred_at"], name="request_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.status})"

    @cached_property
    def preferred_datetimes(self) -> list[datetime]:
        """The preferred start times as aware UTC datetimes, earliest first."""
        times = []
        for value in self.preferred_times or []:
            try:
                times.append(datetime.fromisoformat(value))
            except (TypeError, ValueError):
                continue
        return sorted(times)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_answered(self) -> bool:
        return self.status in (self.Status.ACCEPTED, self.Status.DECLINED)
