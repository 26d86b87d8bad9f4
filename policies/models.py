"""A mentor's cancellation policy (one row per mentor, created on first save)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.cache import WatchedQuerySet
from core.errors import DomainError

from . import rules


def validate_free_cancel_hours(value):
    try:
        rules.check_free_cancel_hours(value)
    except DomainError as error:
        raise ValidationError(error.message) from error


def validate_late_cancel_refund_percent(value):
    try:
        rules.check_late_cancel_refund_percent(value)
    except DomainError as error:
        raise ValidationError(error.message) from error


class CancellationPolicy(models.Model):
    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cancellation_policy"
    )
    free_cancel_hours = models.PositiveIntegerField(
        default=rules.DEFAULT_FREE_CANCEL_HOURS,
        validators=[validate_free_cancel_hours],
    )
    late_cancel_refund_percent = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_LATE_REFUND_PERCENT,
        validators=[validate_late_cancel_refund_percent],
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WatchedQuerySet.as_manager()  # watched: cached figures (policies/apps.py)

    class Meta:
        verbose_name_plural = "cancellation policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(late_cancel_refund_percent__lte=100), name="policy_percent_0_100"
            ),
            models.CheckConstraint(
                condition=Q(free_cancel_hours__lte=rules.MAX_FREE_CANCEL_HOURS),
                name="policy_hours_max",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.mentor_id}: free until {self.free_cancel_hours} h, "
            f"{self.late_cancel_refund_percent} % after"
        )

    @property
    def terms(self) -> rules.Terms:
        return rules.Terms(self.free_cancel_hours, self.late_cancel_refund_percent)
