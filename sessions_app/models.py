"""Mentoring sessions, learners' bookings and reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.cache import WatchedQuerySet
from core.timebounds import add_minutes

from . import rules
from .sanitize import settle_description


class SessionQuerySet(WatchedQuerySet):
    """The one visibility rule: every list and by-id lookup for others goes through it."""

    def public(self):
        """Sessions anyone signed in may see listed (catalogue, public mentor page)."""
        return self.filter(visibility=Session.Visibility.PUBLIC)

    def visible_to(self, user):
        """Public sessions, plus private ones `user` mentors or has a booking on."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.public()
        booked = Booking.objects.filter(session=OuterRef("pk"), learner_id=user.pk)
        return self.filter(
            Q(visibility=Session.Visibility.PUBLIC) | Q(mentor_id=user.pk) | Exists(booked)
        )


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_sessions"
    )
    title = models.CharField(max_length=200)
    # Sanitised HTML rendered from description_markdown (display, API); cleaned again on save.
    description = models.TextField(blank=True)
    description_markdown = models.TextField(blank=True)  # what the mentor edits
    topic = models.CharField(max_length=100, blank=True)
    starts_at = models.DateTimeField()
    # The rules (and their messages) are the services' (rules.py); the admin shows them too.
    duration_minutes = models.PositiveIntegerField(default=60, validators=[rules.validate_duration])
    capacity = models.PositiveIntegerField(default=1, validators=[rules.validate_capacity])
    price = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, validators=[rules.validate_price]
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Private: only the mentor and the learners booked on it ever see it (never
    # listed, 404 by id for others); see SessionQuerySet.visible_to.
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # Denormalised count of active bookings, maintained by conditional updates
    # so capacity holds even when two learners book the last seat at once.
    booked_count = models.PositiveIntegerField(default=0)
    cancel_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The mentor never started it within the grace after its start (scheduler job):
    # cancelled, learners refunded in full; counts against the mentor's reliability.
    mentor_no_show = models.BooleanField(default=False)
    # Calendar SEQUENCE (RFC 5545): raised on every change of time, so calendar apps
    # that imported the .ics or the feed replace the event instead of keeping the old.
    sequence = models.PositiveIntegerField(default=0)

    objects = SessionQuerySet.as_manager()  # watched: cached figures (sessions_app/apps.py)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["mentor", "status", "starts_at"], name="session_mentor_status"),
            models.Index(fields=["status", "starts_at"], name="session_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked_count__lte=models.F("capacity")), name="session_not_overbooked"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="session_price_not_negative"),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "private"]), name="session_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Every write path (services, admin, shell) stores only the allowed markup
        # (templates render the description with |safe), rendered from the source.
        update_fields = kwargs.get("update_fields")
        pair = {"description", "description_markdown"}
        if update_fields is None or pair & set(update_fields):
            rich = settle_description(self.description, self.description_markdown)
            self.description, self.description_markdown = rich.html, rich.source
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *pair}
        super().save(*args, **kwargs)

    @property
    def ends_at(self):
        # Clamped: a row stored before the date bounds must not crash a whole list.
        return add_minutes(self.starts_at, self.duration_minutes)

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def topic_chip(self) -> str:
        """The topic to show as a chip: never a copy of the title."""
        topic = " ".join(self.topic.split())
        if not topic or topic.casefold() == " ".join(self.title.split()).casefold():
            return ""
        return topic

    def privacy_label(self) -> str:
        """ "Private · 1:1 with Ana" for the mentor's rows; "" for public sessions.

        Reads `active_bookings` when prefetched (queries.mentor_sessions).
        """
        if not self.is_private:
            return ""
        bookings = getattr(self, "active_bookings", None)
        if bookings is None:
            bookings = self.bookings.exclude(status=Booking.Status.CANCELLED).select_related(
                "learner"
            )
        names = [b.learner.display_name for b in bookings]
        if not names:
            return "Private"
        if self.capacity == 1 and len(names) == 1:
            return f"Private · 1:1 with {names[0]}"
        return f"Private · with {', '.join(names)}"

    @property
    def participant_count(self) -> int:
        return self.booked_count

    @property
    def is_full(self) -> bool:
        return self.booked_count >= self.capacity

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    @property
    def is_startable(self) -> bool:
        """Start Session is offered from 10 minutes before the start."""
        if self.status != self.Status.SCHEDULED:
            return False
        now = timezone.now()
        return self.starts_at - rules.START_WINDOW <= now <= self.ends_at

    @property
    def is_joinable(self) -> bool:
        return self.status == self.Status.LIVE


class BookingQuerySet(WatchedQuerySet):
    """Bookings reach their mentor through the session (watched as session__mentor_id)."""


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)  # first presence in the live room
    # The mentor moved the session after this booking: a later cancel is refunded in full.
    rescheduled_by_mentor_at = models.DateTimeField(null=True, blank=True)
    # What a learner's cancel refunded (None: not cancelled by the learner, or before #20).
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    objects = BookingQuerySet.as_manager()  # watched: cached figures (sessions_app/apps.py)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["learner", "status"], name="booking_learner_status"),
            models.Index(fields=["session", "status"], name="booking_session_status"),
        ]
        constraints = [
            # One active booking per learner per session (cancelled ones don't count).
            models.UniqueConstraint(
                fields=["session", "learner"],
                condition=~Q(status="cancelled"),
                name="booking_one_active_per_learner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} → {self.session_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class WaitlistEntry(models.Model):
    """A learner waiting for a seat of a full session, first come first served.

    When a seat frees, `services.waitlist.promote_waitlist` books the first one
    waiting (a conditional UPDATE claims the entry, so under races each entry is
    booked once and each free seat goes to one learner)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked"
        LEFT = "left", "Left"
        DROPPED = "dropped", "Dropped"  # the session ended or was cancelled, or no seat fit

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="waitlist")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="from_waitlist"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WatchedQuerySet.as_manager()  # watched: the mentor's cards (sessions_app/apps.py)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(fields=["session", "status", "created_at"], name="waitlist_session_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner"],
                condition=Q(status="waiting"),
                name="waitlist_once_per_learner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} waiting for {self.session_id} ({self.status})"


class Review(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reviews")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_given"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=2000, blank=True)  # plain text
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WatchedQuerySet.as_manager()  # watched: cached figures (sessions_app/apps.py)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mentor", "-created_at"], name="review_mentor_newest")]
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="review_once_per_session"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ for {self.session_id}"


# Availability lives in its own package; imported here so Django registers its models.
from .availability.models import (  # noqa: E402, F401
    Availability,
    AvailabilityOverride,
    WeeklyHours,
)
