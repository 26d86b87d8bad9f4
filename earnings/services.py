"""Writes to the ledger and payouts.

Invariants:
- the ledger is append-only: one `booking` credit per paid booking that was
  held (attended or learner no-show) or settled by a cancellation, refunds and
  adjustments are new (negative) entries, never edits;
- a cancellation settles a paid booking as a pair recorded together: the
  booking credit and a `refund` entry for what the learner got back (its fee
  share returned too), both with the same release date; one policy refund per
  booking (unique constraint), staff refunds (`issue_manual_refund`) come on top;
- balances are computed from the ledger (earnings.queries), never stored;
- a mentor can never have more money requested (payouts not failed) than the
  net that has become available: payout requests are serialised per mentor.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.formatting import (
    money,  # noqa: F401  (callers format through services.money)
    money_label,
)
from core.jobs import claim_each
from policies.rules import Outcome

from .models import BalanceLock, LedgerEntry, Payout

AMOUNT_FORMAT = "Enter the amount as a number in digits, e.g. 120 or 120.50."
CENT = Decimal("0.01")


def platform_fee(gross: Decimal) -> Decimal:
    """The platform's cut of `gross`, rounded half-up to the cent."""
    percent = Decimal(settings.PLATFORM_FEE_PERCENT)
    return (Decimal(gross) * percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _push_figures(mentor_id: int, *, payouts: bool = False) -> None:
    """After commit, the mentor's open Earnings tabs re-read the balance cards
    (and the payout history): live fragments, see earnings/fragments.py."""
    from notifications.services import push_update

    push_update(mentor_id, "earnings_summary")
    if payouts:
        push_update(mentor_id, "payout_history")


# --- Ledger ---------------------------------------------------------------------


def _booking_entry(booking, session, credited_at, reason: str = "") -> LedgerEntry:
    gross = Decimal(booking.amount_paid)
    fee = platform_fee(gross)
    return LedgerEntry(
        reason=reason,
        mentor_id=session.mentor_id,
        kind=LedgerEntry.Kind.BOOKING,
        session=session,
        booking=booking,
        gross=gross,
        fee=fee,
        net=gross - fee,
        currency=settings.PLATFORM_CURRENCY,
        description=session.title[:200],
        created_at=credited_at,
        available_at=credited_at + timedelta(days=settings.EARNINGS_HOLD_DAYS),
    )


def credit_session(session) -> int:
    """Credit the mentor for every held booking with money paid: attended, or a
    learner no-show (the policy: no refund, the mentor is paid).

    Idempotent: the partial unique constraint (one `booking` entry per
    booking) makes a second run insert nothing, even when two processes
    complete the same session at once. Returns how many entries are new.
    """
    from sessions_app.models import Booking

    credited_at = session.ended_at or timezone.now()
    bookings = list(
        Booking.objects.filter(
            session=session,
            status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW],
            amount_paid__gt=0,
        ).exclude(Exists(LedgerEntry.objects.filter(booking=OuterRef("pk"), kind="booking")))
    )
    if not bookings:
        return 0
    entries = [
        _booking_entry(
            b, session, credited_at, Outcome.LEARNER_NO_SHOW if b.status == "no_show" else ""
        )
        for b in bookings
    ]
    before = LedgerEntry.objects.filter(booking__in=bookings, kind="booking").count()
    LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)
    created = LedgerEntry.objects.filter(booking__in=bookings, kind="booking").count() - before
    if created:
        _push_figures(session.mentor_id)
    return created


def on_session_completed(sender, session, **kwargs) -> None:
    """Receiver of sessions_app.signals.session_completed (inside its transaction)."""
    credit_session(session)


def credit_missing_entries(mentor=None, *, limit: int = 500) -> int:
    """Safety net (periodic job, demo): credit completed paid bookings that lack an entry."""
    from sessions_app.models import Booking, Session

    missing = Booking.objects.filter(
        session__status=Session.Status.COMPLETED,
        status__in=[Booking.Status.ATTENDED, Booking.Status.NO_SHOW],
        amount_paid__gt=0,
    ).exclude(Exists(LedgerEntry.objects.filter(booking=OuterRef("pk"), kind="booking")))
    if mentor is not None:
        missing = missing.filter(session__mentor=mentor)
    session_ids = list(missing.values_list("session_id", flat=True).distinct()[:limit])
    created = []

    def credit(session) -> bool:
        created.append(credit_session(session))  # idempotent: locks the session's entries
        return bool(created[-1])

    claim_each(
        Session.objects.filter(pk__in=session_ids).order_by("pk"),
        credit,
        label="earnings.credit_missing",
        limit=limit,
    )
    return sum(created)


def _refund_entry(credit: LedgerEntry, refund: Decimal, reason: str) -> LedgerEntry:
    """The negative twin of `credit` for `refund` of its gross: the fee on the part
    given back is returned too, so credit + refund = what the mentor keeps."""
    kept = credit.gross - refund
    fee_back = credit.fee - platform_fee(kept)
    return LedgerEntry(
        mentor_id=credit.mentor_id,
        kind=LedgerEntry.Kind.REFUND,
        reason=reason,
        session_id=credit.session_id,
        booking_id=credit.booking_id,
        gross=-refund,
        fee=-fee_back,
        net=-(refund - fee_back),
        currency=credit.currency,
        description=f"Refund: {Outcome(reason).label}"[:200],
        created_at=credit.created_at,
        available_at=credit.available_at,
    )


def record_settlement(settlements) -> int:
    """Ledger entries for paid bookings settled by a cancellation: for each
    (booking, outcome, refund), the booking credit and, when refund > 0, its refund.

    Runs inside the cancelling transaction (receiver of
    sessions_app.signals.booking_settled); the unique constraints make a second
    settlement of one booking fail loudly instead of paying twice."""
    now = timezone.now()
    entries = []
    mentors = set()
    for booking, outcome, refund in settlements:
        refund = Decimal(refund).quantize(CENT)
        credit = _booking_entry(booking, booking.session, now, outcome)
        entries.append(credit)
        if refund > 0:
            entries.append(_refund_entry(credit, min(refund, credit.gross), outcome))
        mentors.add(credit.mentor_id)
    LedgerEntry.objects.bulk_create(entries)
    for mentor_id in mentors:
        _push_figures(mentor_id)
    return len(entries)


def on_booking_settled(sender, settlements, **kwargs) -> None:
    """Receiver of sessions_app.signals.booking_settled (inside its transaction)."""
    record_settlement(settlements)


def refundable(booking) -> Decimal:
    """What is left to give back of `booking`: paid − every refund recorded."""
    from django.db.models import Sum

    refunded = LedgerEntry.objects.filter(booking=booking, kind=LedgerEntry.Kind.REFUND).aggregate(
        total=Sum("gross")
    )["total"] or Decimal("0")
    return (Decimal(booking.amount_paid) + Decimal(refunded)).quantize(CENT)


def issue_manual_refund(staff, mentor, amount, note: str, *, booking=None) -> LedgerEntry:
    """A staff refund to a learner, taken from the mentor's balance: a new `refund`
    entry (reason "manual") with the staff member and their note (the audit trail).

    With a booking, never more than what is left to refund on it."""
    if not getattr(staff, "is_staff", False):
        raise DomainError("Only staff can issue refunds.")
    amount = parse_amount(amount)
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why (the note is kept with the refund).", field="note")
    if booking is not None and booking.session.mentor_id != mentor.pk:
        raise DomainError("That booking is not one of this mentor's.", field="booking")
    with transaction.atomic():
        if booking is not None:
            left = refundable(booking)
            if amount > left:
                raise DomainError(
                    f"At most {money_label(max(left, Decimal(0)), settings.PLATFORM_CURRENCY)} "
                    "is left to refund on this booking.",
                    field="amount",
                )
        now = timezone.now()
        entry = LedgerEntry.objects.create(
            mentor=mentor,
            kind=LedgerEntry.Kind.REFUND,
            reason=Outcome.MANUAL,
            note=note[:2000],
            created_by=staff,
            session_id=booking.session_id if booking is not None else None,
            booking=booking,
            gross=-amount,
            fee=Decimal("0.00"),
            net=-amount,
            currency=settings.PLATFORM_CURRENCY,
            description=f"Refund by staff: {note}"[:200],
            created_at=now,
            available_at=now,
        )
        _push_figures(mentor.pk)
    return entry


def record_adjustment(mentor, amount: Decimal, description: str, *, kind=None) -> LedgerEntry:
    """A refund or manual correction: a new entry (negative for money taken back)."""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    now = timezone.now()
    entry = LedgerEntry.objects.create(
        mentor=mentor,
        kind=kind or LedgerEntry.Kind.ADJUSTMENT,
        gross=amount,
        fee=Decimal("0.00"),
        net=amount,
        currency=settings.PLATFORM_CURRENCY,
        description=description[:200],
        created_at=now,
        available_at=now,
    )
    _push_figures(mentor.pk)
    return entry


# --- Payouts --------------------------------------------------------------------


# Only ASCII digits with an optional cents part: "2,0" or "٢٠" must never be
# read as 20 (Decimal() accepts Unicode digits, and stripping commas changed values).
_AMOUNT = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")


def parse_amount(raw) -> Decimal:
    """The amount a mentor typed, as a positive Decimal with at most two places."""
    if isinstance(raw, bool) or raw is None:
        raise DomainError("Enter an amount.", field="amount")
    if isinstance(raw, int | Decimal):  # a JSON integer, or an amount parsed before
        raw = format(raw, "f") if isinstance(raw, Decimal) and raw.is_finite() else str(raw)
    if not isinstance(raw, str):
        raise DomainError(AMOUNT_FORMAT, field="amount")
    text = raw.strip()
    if not text:
        raise DomainError("Enter an amount.", field="amount")
    if not _AMOUNT.fullmatch(text):
        if re.fullmatch(r"-[0-9]+(\.[0-9]+)?", text):
            raise DomainError("The amount must be more than zero.", field="amount")
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
            raise DomainError("Use at most two decimal places (cents).", field="amount")
        if re.fullmatch(r"[0-9]{11,}(\.[0-9]*)?", text):
            raise DomainError("That amount is too large.", field="amount")
        raise DomainError(AMOUNT_FORMAT, field="amount")
    amount = Decimal(text)
    if amount <= 0:
        raise DomainError("The amount must be more than zero.", field="amount")
    return amount.quantize(CENT)


def check_payout_amount(mentor, amount: Decimal, *, available: Decimal | None = None) -> None:
    """Raise a field error if `amount` can't be paid out now (minimum, balance)."""
    from .queries import compute_balances

    currency = settings.PLATFORM_CURRENCY
    minimum = Decimal(settings.MINIMUM_PAYOUT)
    if available is None:
        available = compute_balances(mentor).available
    if amount > available:
        raise DomainError(
            f"You can request at most {money_label(max(available, Decimal(0)), currency)} "
            "(your available balance).",
            field="amount",
        )
    if amount < minimum:
        raise DomainError(
            f"The minimum payout is {money_label(minimum, currency)}.",
            field="amount",
        )


def _lock_balance(mentor) -> None:
    """Serialise this mentor's payout requests until the transaction ends.

    SQLite: the IMMEDIATE transaction already holds the database write lock.
    PostgreSQL: a row lock on the mentor's BalanceLock row.
    """
    if connection.vendor == "sqlite":
        return
    BalanceLock.objects.get_or_create(mentor=mentor)
    BalanceLock.objects.select_for_update().get(mentor=mentor)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def request_payout(mentor, amount, idempotency_key: str = "") -> tuple[Payout, bool]:
    """Reserve `amount` of the available balance as a requested payout.

    Returns (payout, created). With an idempotency key already used by this
    mentor, returns the existing payout and created=False (a different amount
    with the same key is a conflict). The balance check and the insert happen
    under the mentor's balance lock, so concurrent requests can never reserve
    more than is available.
    """
    from .queries import compute_balances

    if not getattr(mentor, "is_mentor", False):
        raise DomainError("Only mentors can request payouts.")
    amount = parse_amount(amount)
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise DomainError("The Idempotency-Key is too long (100 characters at most).")
    try:
        with transaction.atomic():
            _lock_balance(mentor)
            if key:
                existing = Payout.objects.filter(mentor=mentor, idempotency_key=key).first()
                if existing is not None:
                    return _replay(existing, amount), False
            check_payout_amount(mentor, amount, available=compute_balances(mentor).available)
            payout = Payout.objects.create(
                mentor=mentor,
                amount=amount,
                currency=settings.PLATFORM_CURRENCY,
                idempotency_key=key,
            )
            _push_figures(mentor.pk, payouts=True)  # the mentor's other open tabs
    except IntegrityError:
        # Two requests with the same key raced past the lookup (no lock held
        # on this database): the winner's payout is the answer.
        existing = (
            Payout.objects.filter(mentor=mentor, idempotency_key=key).first() if key else None
        )
        if existing is None:
            raise
        return _replay(existing, amount), False
    return payout, True


def _replay(existing: Payout, amount: Decimal) -> Payout:
    if existing.amount != amount:
        raise ConflictError(
            "This Idempotency-Key was already used for a payout of a different amount."
        )
    return existing


def _notify_status(payout: Payout, title: str, body: str) -> None:
    from notifications.services import notify

    notify(payout.mentor, "payout_status", title, body=body, url=reverse("earnings_tab"))
    _push_figures(payout.mentor_id, payouts=True)


def _finish(payout: Payout, status: str, actor, **fields) -> Payout:
    now = timezone.now()
    with transaction.atomic():
        won = Payout.objects.filter(
            pk=payout.pk, status__in=[Payout.Status.REQUESTED, Payout.Status.PROCESSING]
        ).update(status=status, processed_at=now, processed_by=actor, **fields)
        if not won:
            payout.refresh_from_db()
            raise ConflictError(
                f"Payout #{payout.pk} is already {payout.get_status_display().lower()}."
            )
        payout.refresh_from_db()
        amount = money_label(payout.amount, payout.currency)
        if status == Payout.Status.PAID:
            _notify_status(
                payout,
                f"Your payout of {amount} was paid",
                f"Reference: {payout.reference}." if payout.reference else "",
            )
        else:
            _notify_status(
                payout,
                f"Your payout of {amount} failed",
                f"{payout.failure_reason} The amount is available again.",
            )
    return payout


def mark_paid(payout: Payout, reference: str, actor=None) -> Payout:
    """requested/processing → paid, once; the mentor is notified after commit."""
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("Give the payment reference.", field="reference")
    if len(reference) > 100:
        raise DomainError("The reference is too long (100 characters at most).", field="reference")
    return _finish(payout, Payout.Status.PAID, actor, reference=reference)


def mark_failed(payout: Payout, reason: str, actor=None) -> Payout:
    """requested/processing → failed, once; the amount becomes available again."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason the mentor will understand.", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason is too long (300 characters at most).", field="reason")
    return _finish(payout, Payout.Status.FAILED, actor, failure_reason=reason)


def mark_processing(payout: Payout, actor=None) -> Payout:
    """requested → processing (an operator started the transfer)."""
    with transaction.atomic():
        won = Payout.objects.filter(pk=payout.pk, status=Payout.Status.REQUESTED).update(
            status=Payout.Status.PROCESSING, processed_by=actor
        )
        payout.refresh_from_db()
        if not won:
            raise ConflictError(
                f"Payout #{payout.pk} is already {payout.get_status_display().lower()}."
            )
        _notify_status(
            payout,
            f"Your payout of {money_label(payout.amount, payout.currency)} is being processed",
            "",
        )
    return payout
