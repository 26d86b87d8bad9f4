"""The cancellation rules: the one place that decides what an outcome refunds.

Pure functions over plain values (no database), so the booking dialog, the
session page, the learner's cancel and the scheduler's no-show job all apply
the same arithmetic:

- learner cancels before the free window closes → everything back;
- learner cancels later → the mentor's late percentage back;
- the mentor moved the session after the booking, then the learner cancels → everything;
- the mentor cancels, or never starts the session (mentor no-show) → everything;
- the learner never joins (learner no-show) → nothing; the mentor is paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

from core.errors import DomainError

from . import messages as msg

DEFAULT_FREE_CANCEL_HOURS = 24
DEFAULT_LATE_REFUND_PERCENT = 50
MAX_FREE_CANCEL_HOURS = 720  # 30 days
CENT = Decimal("0.01")


class Outcome(models.TextChoices):
    """Why money moved (also the reason stored on a ledger refund)."""

    LEARNER_CANCEL_FREE = "learner_cancel_free", "Learner cancelled in the free window"
    LEARNER_CANCEL_LATE = "learner_cancel_late", "Learner cancelled late"
    LEARNER_CANCEL_RESCHEDULED = (
        "learner_cancel_rescheduled",
        "Learner cancelled after the mentor moved the session",
    )
    MENTOR_CANCEL = "mentor_cancel", "Mentor cancelled"
    MENTOR_NO_SHOW = "mentor_no_show", "Mentor did not start the session"
    LEARNER_NO_SHOW = "learner_no_show", "Learner did not join"
    MANUAL = "manual", "Manual refund by staff"


@dataclass(frozen=True)
class Terms:
    """A mentor's policy as plain numbers (the defaults when they never set one)."""

    free_cancel_hours: int = DEFAULT_FREE_CANCEL_HOURS
    late_cancel_refund_percent: int = DEFAULT_LATE_REFUND_PERCENT

    def free_until(self, starts_at: datetime) -> datetime:
        return starts_at - timedelta(hours=self.free_cancel_hours)


DEFAULT_TERMS = Terms()


def check_free_cancel_hours(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            msg.HOURS_RANGE.format(max=MAX_FREE_CANCEL_HOURS), field="free_cancel_hours"
        )
    if not 0 <= value <= MAX_FREE_CANCEL_HOURS:
        raise DomainError(
            msg.HOURS_RANGE.format(max=MAX_FREE_CANCEL_HOURS), field="free_cancel_hours"
        )
    return value


def check_late_cancel_refund_percent(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise DomainError(msg.PERCENT_RANGE, field="late_cancel_refund_percent")
    return value


def in_free_window(terms: Terms, starts_at: datetime, now: datetime) -> bool:
    """True while a learner may still cancel for everything back."""
    return now < terms.free_until(starts_at)


def learner_cancel_outcome(
    terms: Terms, starts_at: datetime, *, rescheduled_by_mentor: bool, now: datetime
) -> Outcome:
    if rescheduled_by_mentor:
        return Outcome.LEARNER_CANCEL_RESCHEDULED
    if in_free_window(terms, starts_at, now):
        return Outcome.LEARNER_CANCEL_FREE
    return Outcome.LEARNER_CANCEL_LATE


def refund_due(outcome: str, paid, terms: Terms) -> Decimal:
    """What `outcome` gives back of `paid` (Decimal, two places, never more than paid)."""
    paid = Decimal(paid or 0).quantize(CENT)
    if paid <= 0 or outcome == Outcome.LEARNER_NO_SHOW:
        return Decimal("0.00")
    if outcome == Outcome.LEARNER_CANCEL_LATE:
        share = paid * Decimal(terms.late_cancel_refund_percent) / Decimal(100)
        return min(paid, share.quantize(CENT, rounding=ROUND_HALF_UP))
    return paid
