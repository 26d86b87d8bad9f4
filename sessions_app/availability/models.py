"""Availability tables (imported by sessions_app/models.py, so they belong to sessions_app).

Times of day are minutes after the mentor's local midnight (0-1440), read in the
mentor's time zone (`User.timezone`) when slots are computed.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from . import rules
from .messages import WEEKDAYS


def _number_default(name: str) -> int:
    return rules.NUMBERS[name][2]


class Availability(models.Model):
    """One per mentor; a mentor without a row has no bookable hours (defaults shown)."""

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    buffer_minutes = models.PositiveIntegerField(
        default=_number_default("buffer_minutes"), validators=[rules.validate_buffer]
    )
    min_notice_minutes = models.PositiveIntegerField(
        default=_number_default("min_notice_minutes"), validators=[rules.validate_notice]
    )
    max_days_ahead = models.PositiveIntegerField(
        default=_number_default("max_days_ahead"), validators=[rules.validate_days_ahead]
    )
    instant_booking = models.BooleanField(default=rules.INSTANT_BOOKING_DEFAULT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(buffer_minutes__lte=rules.NUMBERS["buffer_minutes"][1]),
                name="availability_buffer_bounded",
            ),
            models.CheckConstraint(
                condition=Q(min_notice_minutes__lte=rules.NUMBERS["min_notice_minutes"][1]),
                name="availability_notice_bounded",
            ),
            models.CheckConstraint(
                condition=Q(max_days_ahead__gte=1)
                & Q(max_days_ahead__lte=rules.NUMBERS["max_days_ahead"][1]),
                name="availability_window_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"Availability of {self.mentor_id}"


class WeeklyHours(models.Model):
    """One range of a weekday (0=Monday); several per day, never overlapping (rules)."""

    availability = models.ForeignKey(Availability, on_delete=models.CASCADE, related_name="weekly")
    weekday = models.PositiveSmallIntegerField(validators=[rules.validate_weekday])
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["weekday", "start_minute"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_weekday_0_6"),
            models.CheckConstraint(
                condition=Q(start_minute__lt=F("end_minute")) & Q(end_minute__lte=1440),
                name="weekly_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        start, end = rules.format_hhmm(self.start_minute), rules.format_hhmm(self.end_minute)
        return f"{WEEKDAYS[self.weekday]} {start}-{end}"


class AvailabilityOverride(models.Model):
    """A date's own hours (one row per range) or a day off (one row, available=False).

    Any row for a date replaces that weekday's hours on that date.
    """

    availability = models.ForeignKey(
        Availability, on_delete=models.CASCADE, related_name="overrides"
    )
    date = models.DateField()
    available = models.BooleanField(default=False)
    start_minute = models.PositiveSmallIntegerField(null=True, blank=True)
    end_minute = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_minute"]
        indexes = [models.Index(fields=["availability", "date"], name="override_by_date")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(available=True)
                    & Q(start_minute__lt=F("end_minute"))
                    & Q(end_minute__lte=1440)
                )
                | Q(available=False, start_minute__isnull=True, end_minute__isnull=True),
                name="override_hours_when_available",
            ),
        ]

    def __str__(self) -> str:
        if not self.available:
            return f"{self.date} off"
        start, end = rules.format_hhmm(self.start_minute), rules.format_hhmm(self.end_minute)
        return f"{self.date} {start}-{end}"
