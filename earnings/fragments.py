"""Live fragments of earnings (core.live_fragments), registered in apps.py.

The balance cards and the payout history follow ledger credits and payout
status changes (earnings.services pushes them after commit).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator

from core.live_fragments import register

from . import queries

SUMMARY_TEMPLATE = "earnings/live/summary.html"
PAYOUT_HISTORY_TEMPLATE = "earnings/live/payout_history.html"
PAYOUTS_PER_PAGE = 10


def payouts_page(mentor, number=None):
    return Paginator(queries.payouts_for(mentor), PAYOUTS_PER_PAGE).get_page(number)


def summary_state(user) -> dict | None:
    """Total earned, available, pending, paid out: read fresh, never from the cache."""
    if not getattr(user, "is_mentor", False):
        return None
    return {
        "summary": queries.compute_balances(user),
        "hold_days": settings.EARNINGS_HOLD_DAYS,
        "fee_percent": settings.PLATFORM_FEE_PERCENT,
    }


def payout_history_state(user) -> dict | None:
    """The newest page of the mentor's payouts."""
    if not getattr(user, "is_mentor", False):
        return None
    return {"payouts_page": payouts_page(user)}


def register_fragments() -> None:
    register("earnings_summary", SUMMARY_TEMPLATE, summary_state)
    register("payout_history", PAYOUT_HISTORY_TEMPLATE, payout_history_state)
