"""Reads: a mentor's terms (the defaults when they never saved a policy)."""

from __future__ import annotations

from .models import CancellationPolicy
from .rules import DEFAULT_TERMS, Terms


def terms_for(mentor_or_id) -> Terms:
    """One query (none when `mentor.cancellation_policy` was prefetched)."""
    mentor_id = getattr(mentor_or_id, "pk", mentor_or_id)
    cached = getattr(mentor_or_id, "_state", None) and mentor_or_id._state.fields_cache.get(
        "cancellation_policy"
    )
    if isinstance(cached, CancellationPolicy):
        return cached.terms
    row = (
        CancellationPolicy.objects.filter(mentor_id=mentor_id)
        .values_list("free_cancel_hours", "late_cancel_refund_percent")
        .first()
    )
    return Terms(*row) if row else DEFAULT_TERMS
