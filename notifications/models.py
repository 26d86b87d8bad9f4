"""Stored notifications: the source of truth behind every real-time alert."""

from functools import cache

from django.conf import settings
from django.db import models
from django.urls import reverse


class NotificationQuerySet(models.QuerySet):
    """`update()` and `bulk_create()` send no signals: they forget the users too.

    Every write to a user's notifications sets a new user stamp
    (accounts.user_cache.forget_user): the bell, the banners and the cached
    Notifications tab (core.tab_cache) are keyed by it.
    """

    def update(self, **kwargs):
        from accounts.user_cache import forget_user

        users = set(self.order_by().values_list("user_id", flat=True).distinct())
        changed = super().update(**kwargs)
        if changed:
            for user_id in users:
                forget_user(user_id)
        return changed

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from accounts.user_cache import forget_user

        objs = super().bulk_create(objs, *args, **kwargs)
        for user_id in {obj.user_id for obj in objs}:
            forget_user(user_id)
        return objs

    bulk_create.alters_data = True


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW_REQUEST = "new_request", "New request"
        REQUEST_ANSWERED = "request_answered", "Request answered"
        BOOKING = "booking", "Booking"
        BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
        SESSION_PUBLISHED = "session_published", "Session published"
        SESSION_REMINDER = "session_reminder", "Session reminder"
        SESSION_LIVE = "session_live", "Session live"
        SESSION_CHANGED = "session_changed", "Session changed"
        SESSION_RESCHEDULED = "session_rescheduled", "Session rescheduled"
        WAITLIST_BOOKED = "waitlist_booked", "Booked from the waitlist"
        PAYOUT_STATUS = "payout_status", "Payout status"
        REVIEW = "review", "Review"
        SYSTEM = "system", "System"

    class Level(models.TextChoices):
        INFO = "info", "Info"
        URGENT = "urgent", "Urgent"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    # The link's verb when the kind's default doesn't fit this recipient
    # (the mentor's reminder says "Start Session", the learners' "Open session").
    action = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # What a banner is about, so it can count down and close when that changes:
    # the object's id (a session for session_reminder/session_live; the app that
    # owns it decides when it is still open, notifications.queries.banner rules),
    # its name without the time phrase, and the time it counts to or from (UTC).
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-id"], name="notif_user_unread"),
            models.Index(fields=["user", "-id"], name="notif_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def is_urgent(self) -> bool:
        return self.level == self.Level.URGENT

    @property
    def countdown(self) -> str:
        """ "start" (counts to a start), "live" (counts from one) or "" (static)."""
        if self.subject_id is None or self.starts_at is None:
            return ""
        return COUNTDOWNS.get(self.kind, "")

    @property
    def action_label(self) -> str:
        """The verb on the banner/toast link: its own, else the kind's."""
        return self.action or ACTION_LABELS.get(self.kind, "Open")

    # The row's action URLs: `{% url %}` per row and action was a third of the
    # Notifications tab's rendering; the pattern is resolved once per process.
    @property
    def open_url(self) -> str:
        return _url_with_pk("notification_open", self.pk)

    @property
    def read_url(self) -> str:
        return _url_with_pk("notification_read", self.pk)

    @property
    def unread_url(self) -> str:
        return _url_with_pk("notification_unread", self.pk)


@cache
def _around_pk(name: str) -> tuple[str, str]:
    marker = "987654321"
    head, _, tail = reverse(name, args=[int(marker)]).partition(marker)
    return head, tail


def _url_with_pk(name: str, pk: int) -> str:
    head, tail = _around_pk(name)
    return f"{head}{pk}{tail}"


ACTION_LABELS = {
    Notification.Kind.NEW_REQUEST: "Review request",
    Notification.Kind.REQUEST_ANSWERED: "View",
    Notification.Kind.BOOKING: "View session",
    Notification.Kind.BOOKING_CANCELLED: "View session",
    Notification.Kind.SESSION_PUBLISHED: "View session",
    Notification.Kind.SESSION_REMINDER: "Open session",
    Notification.Kind.SESSION_LIVE: "Join now",
    Notification.Kind.SESSION_CHANGED: "View session",
    Notification.Kind.SESSION_RESCHEDULED: "View session",
    Notification.Kind.PAYOUT_STATUS: "View earnings",
    Notification.Kind.REVIEW: "Read review",
}

COUNTDOWNS = {
    Notification.Kind.SESSION_REMINDER: "start",
    Notification.Kind.SESSION_LIVE: "live",
}


class NotificationPreferences(models.Model):
    """Per kind, in-app and email on/off; quiet hours; the daily digest.

    `email` and `in_app` hold only what the user changed (kind → bool); the
    defaults live in notifications/preferences.py, so a new kind gets its
    default for everyone without a data migration.
    """

    class Digest(models.TextChoices):
        OFF = "off", "Off"
        DAILY = "daily", "Daily"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    email = models.JSONField(default=dict, blank=True)
    in_app = models.JSONField(default=dict, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)  # in the user's zone
    quiet_end = models.TimeField(null=True, blank=True)
    email_digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"


class DigestEntry(models.Model):
    """A non-urgent notification email waiting for the user's daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_entries"
    )
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    batch = models.CharField(max_length=32, blank=True)  # the digest pass that took it

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "created_at"], name="digest_user_created")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class NotifyOnce(models.Model):
    """Keys of notifications that must go out at most once (the 1-hour reminder)."""

    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
