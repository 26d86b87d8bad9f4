"""Writes: a mentor saves their cancellation policy."""

from __future__ import annotations

from django.db import transaction

from core.errors import DomainError

from . import messages as msg
from . import rules
from .models import CancellationPolicy


def update_policy(mentor, *, free_cancel_hours, late_cancel_refund_percent) -> CancellationPolicy:
    """Create or replace the mentor's policy (bookings made before keep no snapshot:
    the policy in force when a learner cancels applies, as the terms shown say)."""
    if not getattr(mentor, "is_mentor", False):
        raise DomainError(msg.ONLY_MENTORS)
    values = {
        "free_cancel_hours": rules.check_free_cancel_hours(free_cancel_hours),
        "late_cancel_refund_percent": rules.check_late_cancel_refund_percent(
            late_cancel_refund_percent
        ),
    }
    with transaction.atomic():
        policy, _ = CancellationPolicy.objects.update_or_create(mentor=mentor, defaults=values)
    return policy
