"""Payout requests: validation, idempotency, no double spend; operators' transitions."""

from decimal import Decimal

import pytest
from django.db import close_old_connections

from core.errors import ConflictError, DomainError
from earnings import queries, services
from earnings.models import Payout
from notifications.models import Notification
from tests.support.race import failures, race, successes

from .builders import entry

pytestmark = pytest.mark.django_db


def test_balances_come_from_the_ledger_and_payouts(funded_mentor):
    Payout.objects.create(mentor=funded_mentor, amount="50.00", status="paid")
    Payout.objects.create(mentor=funded_mentor, amount="30.00", status="failed")
    Payout.objects.create(mentor=funded_mentor, amount="20.00", status="requested")
    b = queries.balances(funded_mentor)
    assert b.total_earned == Decimal("345.00")
    assert b.pending == Decimal("45.00")
    assert b.available == Decimal("230.00")  # 300 − 50 paid − 20 requested
    assert b.paid_out == Decimal("50.00")
    assert str(b.available) == "230.00"


def test_it_requests_a_payout_and_reserves_it(funded_mentor):
    payout, created = services.request_payout(funded_mentor, "120.00")
    assert created and payout.status == "requested" and payout.amount == Decimal("120.00")
    assert queries.balances(funded_mentor).available == Decimal("180.00")


@pytest.mark.parametrize(
    "amount, message",
    [
        ("12.345", "two decimal places"),
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("abc", "as a number"),
        ("", "Enter an amount"),
        ("NaN", "as a number"),
        ("300.01", "at most USD\u00a0300.00"),
        ("19.99", "minimum payout is USD\u00a020.00"),
    ],
)
def test_it_refuses_bad_amounts(funded_mentor, amount, message):
    with pytest.raises(DomainError) as info:
        services.request_payout(funded_mentor, amount)
    assert message in info.value.message and info.value.field == "amount"
    assert not Payout.objects.exists()


def test_a_failed_payout_frees_the_money_again(funded_mentor):
    payout, _ = services.request_payout(funded_mentor, "300.00")
    with pytest.raises(DomainError):
        services.request_payout(funded_mentor, "20.00")
    services.mark_failed(payout, "Bank rejected the IBAN.")
    assert queries.balances(funded_mentor).available == Decimal("300.00")


def test_the_same_idempotency_key_gives_one_payout(funded_mentor):
    first, created = services.request_payout(funded_mentor, "100.00", "key-1")
    again, created_again = services.request_payout(funded_mentor, "100.00", "key-1")
    assert created and not created_again and first.pk == again.pk
    assert Payout.objects.count() == 1
    with pytest.raises(ConflictError):
        services.request_payout(funded_mentor, "90.00", "key-1")


def test_idempotency_keys_are_per_mentor(funded_mentor, other_mentor):
    entry(other_mentor, "100.00")
    services.request_payout(funded_mentor, "50.00", "same")
    _, created = services.request_payout(other_mentor, "50.00", "same")
    assert created and Payout.objects.count() == 2


def test_mark_paid_notifies_the_mentor_once(funded_mentor, staff):
    payout, _ = services.request_payout(funded_mentor, "120.00")
    services.mark_paid(payout, "R1", actor=staff)
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.reference == "R1" and payout.processed_at
    assert payout.processed_by == staff
    note = Notification.objects.get(user=funded_mentor)
    assert note.kind == "payout_status" and "USD\u00a0120.00" in note.title and "paid" in note.title
    assert note.url == "/mentor/dashboard/earnings/"
    with pytest.raises(ConflictError, match="already paid"):
        services.mark_paid(payout, "R2")
    with pytest.raises(ConflictError):
        services.mark_failed(payout, "oops")
    assert Notification.objects.filter(user=funded_mentor).count() == 1
    assert queries.balances(funded_mentor).paid_out == Decimal("120.00")


def test_mark_failed_needs_a_reason_and_tells_the_mentor(funded_mentor):
    payout, _ = services.request_payout(funded_mentor, "40.00")
    with pytest.raises(DomainError):
        services.mark_failed(payout, "  ")
    with pytest.raises(DomainError):
        services.mark_paid(payout, "")
    services.mark_failed(payout, "Account closed.")
    note = Notification.objects.get(user=funded_mentor)
    assert "failed" in note.title and "Account closed." in note.body


def test_processing_then_paid(funded_mentor):
    payout, _ = services.request_payout(funded_mentor, "40.00")
    services.mark_processing(payout)
    assert queries.balances(funded_mentor).available == Decimal("260.00")
    services.mark_paid(payout, "R9")
    assert Payout.objects.get().status == "paid"


def _race(n, target):
    """Results and DomainErrors of n simultaneous calls; anything else fails the test."""
    outcomes = race(n, target)
    errors = failures(outcomes)
    unexpected = [e for e in errors if not isinstance(e, DomainError)]
    if unexpected:
        raise unexpected[0]
    close_old_connections()
    return successes(outcomes), errors


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_never_exceed_the_balance(mentor):
    entry(mentor, "300.00")
    results, errors = _race(20, lambda i: services.request_payout(mentor, "45.00"))
    total = sum(p.amount for p in Payout.objects.filter(mentor=mentor))
    assert total <= Decimal("300.00")
    assert len(results) == 6 and Payout.objects.count() == 6  # 6 × 45 = 270
    assert len(errors) == 14 and all(e.field == "amount" for e in errors)
    assert queries.balances(mentor).available == Decimal("30.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_payout(mentor):
    entry(mentor, "300.00")
    results, errors = _race(10, lambda i: services.request_payout(mentor, "25.00", "double-click"))
    assert not errors and len(results) == 10
    assert Payout.objects.count() == 1
    assert len({payout.pk for payout, _ in results}) == 1
    assert sum(1 for _, created in results if created) == 1


@pytest.mark.django_db(transaction=True)
def test_two_operators_cannot_both_process_a_payout(mentor):
    entry(mentor, "300.00")
    payout, _ = services.request_payout(mentor, "100.00")

    def process(i):
        fresh = Payout.objects.get(pk=payout.pk)
        if i % 2:
            return services.mark_paid(fresh, f"R{i}")
        return services.mark_failed(fresh, f"reason {i}")

    results, errors = _race(8, process)
    assert len(results) == 1 and len(errors) == 7
    assert Notification.objects.filter(user=mentor).count() == 1
