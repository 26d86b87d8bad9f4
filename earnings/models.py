"""The earnings ledger (append-only) and payouts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.cache import WatchedQuerySet
from policies.rules import Outcome


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        BOOKING = "booking", "Completed booking"
        REFUND = "refund", "Refund"
        ADJUSTMENT = "adjustment", "Adjustment"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BOOKING)
    session = models.ForeignKey(
        "sessions_app.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    booking = models.ForeignKey(
        "sessions_app.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    fee = models.DecimalField(max_digits=12, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    description = models.CharField(max_length=200, blank=True)
    # Why money moved (policies.rules.Outcome values) for policy settlements and
    # refunds; "manual" for a staff refund, with its note and who issued it.
    reason = models.CharField(max_length=32, blank=True, choices=Outcome.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()
    available_at = models.DateTimeField()

    objects = WatchedQuerySet.as_manager()  # watched: cached figures (earnings/apps.py)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["mentor", "created_at"], name="ledger_mentor_created"),
            models.Index(fields=["mentor", "available_at"], name="ledger_mentor_available"),
        ]
        constraints = [
            # Exactly one credit per completed booking, even if completion runs twice.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(kind="booking"),
                name="ledger_one_credit_per_booking",
            ),
            # One policy refund per booking (a learner's cancel, the mentor's cancel or
            # no-show), even if two cancels race; staff refunds are extra entries.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(kind="refund") & ~Q(reason="manual"),
                name="ledger_one_policy_refund_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} {self.kind} {self.net}"


class Payout(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROCESSING = "processing", "Processing"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payouts"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    reference = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Who marked it processing/paid/failed (staff in admin); null for commands.
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = WatchedQuerySet.as_manager()  # watched: cached figures (earnings/apps.py)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["mentor", "status"], name="payout_mentor_status"),
            models.Index(fields=["status", "requested_at"], name="payout_status_requested"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payout_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} {self.amount} ({self.status})"


class BalanceLock(models.Model):
    """One row per mentor, locked while a payout is requested.

    SQLite serialises writers anyway (IMMEDIATE); on PostgreSQL
    `select_for_update()` on this row serialises a mentor's payout requests so
    the available balance can't be spent twice.
    """

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="balance_lock"
    )

    def __str__(self) -> str:
        return f"balance lock of {self.mentor_id}"
