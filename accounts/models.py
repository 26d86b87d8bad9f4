"""Users, roles and the mentor's profile."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .richtext import settle


class User(AbstractUser):
    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        LEARNER = "learner", "Learner"

    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEARNER)
    # Every user has a zone (learners too); mentors edit theirs on the Profile tab.
    timezone = models.CharField(max_length=64, default="UTC")
    # Raised after every write to a mentor's sessions, bookings, requests,
    # ledger, payouts or reviews (the models the apps watch); keys the cached
    # figures and rows (core/cache.py).
    data_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Raised by sign-out: access tokens carry the value they were issued with
    # and are refused once it moved on (accounts/user_cache.py).
    auth_version = models.PositiveIntegerField(default=0, editable=False)
    # False only for accounts made by the sign-up pages until the link in the
    # verification email is followed; every other account (admin, shell, demo
    # data, accounts that existed before sign-up) is trusted as verified.
    email_verified = models.BooleanField(default=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message="An account with this email address already exists.",
            )
        ]

    def save(self, *args, **kwargs):
        # data_version and auth_version are only ever raised in the database
        # (F() + 1): a full save of a user loaded earlier must not write an old
        # value back.
        if (
            not (self._state.adding or kwargs.get("force_insert"))
            and kwargs.get("update_fields") is None
        ):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("data_version", "auth_version")
            ]
        super().save(*args, **kwargs)

    @property
    def is_mentor(self) -> bool:
        return self.role == self.Role.MENTOR

    @property
    def is_learner(self) -> bool:
        return self.role == self.Role.LEARNER

    @property
    def display_name(self) -> str:
        profile = getattr(self, "mentor_profile", None) if self.is_mentor else None
        if profile is not None and profile.display_name:
            return profile.display_name
        return self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = self.display_name.split()
        letters = "".join(p[0] for p in parts[:2]) if parts else self.username[:2]
        return letters.upper()

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def home_url(self) -> str:
        return reverse("dashboard" if self.is_mentor else "home")


class MentorProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="mentor_profile")
    display_name = models.CharField(max_length=100, blank=True)
    headline = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)  # sanitised HTML rendered from bio_markdown (display, API)
    bio_markdown = models.TextField(blank=True)  # what the mentor edits (accounts/richtext.py)
    expertise = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    default_price = models.DecimalField(max_digits=12, decimal_places=2, default=50)
    default_duration_minutes = models.PositiveIntegerField(default=60)
    picture = models.CharField(max_length=255, blank=True)  # 512 px, path in MEDIA_ROOT
    picture_small = models.CharField(max_length=255, blank=True)  # 96 px
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user.username}"

    def save(self, *args, **kwargs):
        # Every write path (services, admin, demo data) stores HTML rendered from the
        # Markdown source; a bio given only as HTML gets its source made from it.
        update_fields = kwargs.get("update_fields")
        pair = {"bio", "bio_markdown"}
        if update_fields is None or pair & set(update_fields):
            rich = settle(self.bio, self.bio_markdown)
            self.bio, self.bio_markdown = rich.html, rich.source
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *pair}
        super().save(*args, **kwargs)

    @property
    def picture_url(self) -> str | None:
        from django.conf import settings

        return f"{settings.MEDIA_URL}{self.picture}" if self.picture else None

    @property
    def picture_small_url(self) -> str | None:
        from django.conf import settings

        return f"{settings.MEDIA_URL}{self.picture_small}" if self.picture_small else None


class RefreshRotation(models.Model):
    """A refresh token that was exchanged, and the pair it was exchanged for.

    Within the grace window the same old token yields this same pair again
    (several tabs refreshing at once); after it, a reuse means the token was
    stolen and the whole family (every token descending from one sign-in) is
    revoked. A database row, so every server process agrees (accounts/tokens.py).
    """

    jti = models.CharField(max_length=255, unique=True)  # the consumed token
    new_jti = models.CharField(max_length=255, unique=True)
    family = models.CharField(max_length=255, db_index=True)  # jti of the sign-in's token
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    refresh = models.TextField()
    access = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.jti} → {self.new_jti}"


class MentorApplication(models.Model):
    """A request to become a mentor, sent by /signup/mentor/ and decided by staff (admin)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentor_applications")
    headline = models.CharField(max_length=120)
    expertise = models.JSONField(default=list, blank=True)
    motivation = models.TextField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    note = models.TextField(blank=True, help_text="Shown to the applicant in the decision email.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Mentor application of {self.user.username} ({self.get_status_display()})"


def active_mentors():
    """Mentors learners may see and book: role mentor, account active."""
    return User.objects.filter(role=User.Role.MENTOR, is_active=True)
