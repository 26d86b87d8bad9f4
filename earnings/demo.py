"""Demo earnings for `seed_demo` (after sessions_app's demo, which fires the credits).

`mentor` gets a year of ledger entries (one per paid attended booking of the
past sessions) and payouts in every state; `mentor2` one paid payout.
Idempotent: entries are only added where missing, payouts only for a mentor
who has none.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.formatting import money_label
from notifications.demo import add_once

from . import queries, services
from .models import Payout

MENTOR_PAYOUTS = [
    # share of the available balance, status, days ago, reference / reason
    (Decimal("0.40"), Payout.Status.PAID, 150, "BANK-2026-0412"),
    (Decimal("0.15"), Payout.Status.FAILED, 60, "The bank rejected the account number."),
    (Decimal("0.20"), Payout.Status.PAID, 40, "BANK-2026-0977"),
    (Decimal("0.10"), Payout.Status.REQUESTED, 1, ""),
]


def _payouts(mentor, plan, now) -> None:
    if Payout.objects.filter(mentor=mentor).exists():
        return
    base = queries.compute_balances(mentor, now).available
    minimum = Decimal(settings.MINIMUM_PAYOUT)
    for share, status, days_ago, text in plan:
        amount = max((base * share).quantize(Decimal("1")), minimum)
        if amount > queries.compute_balances(mentor, now).available:
            continue
        when = now - timedelta(days=days_ago)
        payout = Payout.objects.create(
            mentor=mentor,
            amount=amount,
            currency=settings.PLATFORM_CURRENCY,
            status=status,
            reference=text if status == Payout.Status.PAID else "",
            failure_reason=text if status == Payout.Status.FAILED else "",
            processed_at=when + timedelta(days=2) if status != Payout.Status.REQUESTED else None,
        )
        Payout.objects.filter(pk=payout.pk).update(requested_at=when)  # auto_now_add


def seed(users: dict) -> None:
    now = timezone.now()
    mentor, mentor2 = users["mentor"], users["mentor2"]
    for user in (mentor, mentor2):
        services.credit_missing_entries(user)
    _payouts(mentor, MENTOR_PAYOUTS, now)
    _payouts(mentor2, [(Decimal("0.50"), Payout.Status.PAID, 10, "BANK-2026-1103")], now)
    _note_newest_paid(mentor)


def _note_newest_paid(mentor) -> None:
    """The mentor's "payout paid" note is about the newest paid payout in the history."""
    payout = (
        Payout.objects.filter(mentor=mentor, status=Payout.Status.PAID)
        .order_by("-requested_at", "-pk")
        .first()
    )
    if payout is None:
        return
    add_once(
        mentor,
        "payout_status",
        f"Your payout of {money_label(payout.amount, payout.currency)} was paid",
        f"{reverse('earnings_tab')}#payout-{payout.pk}",
        body=f"Reference: {payout.reference}." if payout.reference else "",
        read=True,
        at=payout.processed_at,
    )
