"""Property: whatever sequence of book / cancel (learner and mentor, in and after the
free window) / reschedule / complete (with no-shows) / mentor no-show / payout happens,
every refund follows the policy and the ledger's sum equals every total shown — the
API, the Earnings tab's figures, its monthly table and the ledger CSV — and
pending + available + reserved + paid out = total earned.

Driven by hypothesis (requirements-dev.txt); each example runs in a savepoint that is
rolled back, with the figure cache emptied."""

import csv
import io
import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from core.errors import DomainError
from earnings import services as earnings
from earnings.models import LedgerEntry, Payout
from earnings.queries import compute_balances
from policies.services import update_policy
from sessions_app import services
from sessions_app.models import Booking, Session
from tests.conftest import bearer, jwt_client, make_user

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")
LEARNERS = 3
SESSIONS = 3

op = st.one_of(
    st.tuples(st.just("book"), st.integers(0, LEARNERS - 1), st.integers(0, SESSIONS - 1)),
    st.tuples(st.just("cancel"), st.integers(0, LEARNERS - 1), st.integers(0, SESSIONS - 1)),
    st.tuples(st.just("mentor_cancel"), st.integers(0, SESSIONS - 1), st.just(0)),
    st.tuples(st.just("reschedule"), st.integers(0, SESSIONS - 1), st.integers(1, 40)),
    st.tuples(st.just("complete"), st.integers(0, SESSIONS - 1), st.integers(0, 7)),
    st.tuples(st.just("mentor_no_show"), st.integers(0, SESSIONS - 1), st.just(0)),
    st.tuples(st.just("payout"), st.just(0), st.just(0)),
)
world = st.fixed_dictionaries(
    {
        "hours": st.sampled_from([0, 12, 24, 48]),
        "percent": st.integers(0, 100),
        "hold_days": st.sampled_from([0, 3]),
        "prices": st.lists(
            st.sampled_from(["0", "25", "33.33", "40", "99.99"]),
            min_size=SESSIONS,
            max_size=SESSIONS,
        ),
        # hours until each session starts: some inside the free window, some outside
        "starts": st.lists(st.sampled_from([3, 20, 30, 70]), min_size=SESSIONS, max_size=SESSIONS),
        "ops": st.lists(op, min_size=1, max_size=25),
    }
)


def fee(amount: Decimal) -> Decimal:
    return (amount * Decimal("0.10")).quantize(CENT, rounding=ROUND_HALF_UP)


def money(text: str) -> Decimal:
    """ "USD 1,234.50" / "−USD 3.00" → Decimal."""
    negative = "-" in text or "\u2212" in text
    value = Decimal(re.sub(r"[^0-9.]", "", text))
    return -value if negative else value


class Model:
    """The expected money, computed independently of the ledger code."""

    def __init__(self, hours, percent):
        self.hours, self.percent = hours, percent
        self.refunds = {}  # booking id → expected refund
        self.kept_net = Decimal("0")

    def learner_cancel(self, booking, now):
        paid = booking.amount_paid
        session = booking.session
        if booking.rescheduled_by_mentor_at or session.starts_at - now > timedelta(
            hours=self.hours
        ):
            refund = paid
        else:
            refund = (paid * self.percent / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
        self.settle(booking, refund)

    def settle(self, booking, refund):
        self.refunds[booking.pk] = refund
        kept = booking.amount_paid - refund
        self.kept_net += kept - fee(kept)

    def held(self, booking):
        self.kept_net += booking.amount_paid - fee(booking.amount_paid)


def _book(w, a, b):
    session = Session.objects.get(pk=w.sessions[b].pk)
    try:
        services.book_session(w.learners[a], session)
    except DomainError:
        pass


def _cancel(w, a, b):
    booking = (
        Booking.objects.select_related("session")
        .filter(learner=w.learners[a], session=w.sessions[b], status="booked")
        .first()
    )
    if booking is None:
        return
    try:
        before = timezone.now()
        services.cancel_booking(w.learners[a], booking)
    except DomainError:
        return
    w.model.learner_cancel(booking, before)


def _mentor_cancel(w, a, b, no_show=False):
    session = Session.objects.get(pk=w.sessions[a].pk)
    if session.status != "scheduled":
        return
    booked = list(Booking.objects.filter(session=session, status="booked"))
    if not no_show:
        services.cancel_session(w.mentor, session, "Sorry")
    else:  # its start passed 20 minutes ago without the mentor
        Session.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() - timedelta(minutes=20)
        )
        services.cancel_unstarted_sessions()
    for booking in booked:
        w.model.settle(booking, booking.amount_paid)


def _reschedule(w, a, b):
    session = Session.objects.get(pk=w.sessions[a].pk)
    if session.status != "scheduled" or session.starts_at <= timezone.now():
        return
    services.reschedule_session(
        w.mentor, session, session.starts_at + timedelta(minutes=b), "Clash"
    )


def _complete(w, a, b):
    session = Session.objects.get(pk=w.sessions[a].pk)
    if session.status != "scheduled":
        return
    started = timezone.now() - timedelta(minutes=90)
    Session.objects.filter(pk=session.pk).update(
        status="live", starts_at=started, started_at=started
    )
    booked = list(Booking.objects.filter(session=session, status="booked").order_by("pk"))
    for i, booking in enumerate(booked):
        if b & (1 << i):  # this one joined; the others are no-shows
            Booking.objects.filter(pk=booking.pk).update(joined_at=started)
        w.model.held(booking)  # attended or not, the mentor is paid
    services.end_session(w.mentor, Session.objects.get(pk=session.pk))


def _payout(w, a, b):
    available = compute_balances(w.mentor).available
    if available >= Decimal("20.00"):
        payout, _ = earnings.request_payout(w.mentor, available)
        earnings.mark_paid(payout, "ref-1", actor=w.staff)


OPS = {
    "book": _book,
    "cancel": _cancel,
    "mentor_cancel": _mentor_cancel,
    "mentor_no_show": lambda w, a, b: _mentor_cancel(w, a, b, no_show=True),
    "reschedule": _reschedule,
    "complete": _complete,
    "payout": _payout,
}


def run(data, mentor, learners, staff):
    update_policy(
        mentor, free_cancel_hours=data["hours"], late_cancel_refund_percent=data["percent"]
    )
    now = timezone.now()
    sessions = [
        services.create_session(
            mentor,
            publish=True,
            title=f"S{i}",
            starts_at=now + timedelta(days=4 * i, hours=data["starts"][i]),
            duration_minutes=60,
            capacity=2,
            price=Decimal(data["prices"][i]),
        )
        for i in range(SESSIONS)
    ]
    world = SimpleNamespace(
        model=Model(data["hours"], data["percent"]),
        mentor=mentor,
        learners=learners,
        staff=staff,
        sessions=sessions,
    )
    for kind, a, b in data["ops"]:
        OPS[kind](world, a, b)
    return world.model


def check(mentor, model):
    caches["figures"].clear()
    ledger_net = LedgerEntry.objects.filter(mentor=mentor).aggregate(t=Sum("net"))["t"] or 0
    assert Decimal(ledger_net) == model.kept_net
    # Every refund followed the policy, once per booking, never more than paid.
    policy_refunds = LedgerEntry.objects.filter(mentor=mentor, kind="refund").exclude(
        reason="manual"
    )
    by_booking = {}
    for entry in policy_refunds:
        assert entry.booking_id not in by_booking, "refunded twice"
        by_booking[entry.booking_id] = -entry.gross
    expected = {pk: r for pk, r in model.refunds.items() if r > 0}
    assert by_booking == expected
    for booking in Booking.objects.filter(session__mentor=mentor, status="cancelled"):
        assert booking.refund_amount == model.refunds.get(booking.pk, booking.refund_amount)
        assert 0 <= booking.refund_amount <= booking.amount_paid
    # The API.
    api = bearer(mentor).get("/api/earnings/").json()
    total = Decimal(api["total_earned"])
    assert total == Decimal(ledger_net)
    assert sum(Decimal(m["net"]) for m in api["monthly"]) == total
    assert sum(Decimal(m["refunds"]) for m in api["monthly"]) == sum(by_booking.values(), 0)
    spent = Payout.objects.filter(mentor=mentor).exclude(status="failed")
    paid = Decimal(api["paid_out"])
    assert (
        Decimal(api["pending"]) + Decimal(api["available"]) + Decimal(api["reserved"]) + paid
        == total
    )
    assert paid == (spent.filter(status="paid").aggregate(t=Sum("amount"))["t"] or 0)
    # The Earnings tab: the summary cards and the monthly table's total row.
    html = jwt_client(mentor).get("/mentor/dashboard/earnings/").content.decode()
    cards = dict(re.findall(r'data-summary="(\w+)">([^<]+)<', html))
    assert money(cards["total_earned"]) == total
    assert (
        money(cards["pending"])
        + money(cards["available"])
        + money(cards["paid_out"])
        + Decimal(api["reserved"])
        == total
    )
    if "monthly-table" in html:
        foot = html.split("<tfoot")[1].split("</tfoot>")[0]
        net_cell = re.search(r'data-label="Net"[^>]*>([^<]+)<', foot).group(1)
        assert money(net_cell) == total
    # The ledger CSV.
    today = timezone.localdate()
    response = jwt_client(mentor).get(
        "/mentor/dashboard/earnings/ledger.csv",
        {"start": str(today - timedelta(days=30)), "end": str(today + timedelta(days=30))},
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sum((Decimal(r["net"]) for r in rows), Decimal(0)) == total


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=world)
def test_the_ledger_always_adds_up_and_refunds_follow_the_policy(data, django_settings_hold):
    django_settings_hold.EARNINGS_HOLD_DAYS = data["hold_days"]
    caches["figures"].clear()
    with transaction.atomic():
        stamp = User.objects.count()
        mentor = make_user(f"m{stamp}", User.Role.MENTOR)
        learners = [make_user(f"l{stamp}_{i}") for i in range(LEARNERS)]
        staff = make_user(f"s{stamp}", is_staff=True)
        model = run(data, mentor, learners, staff)
        check(mentor, model)
        transaction.set_rollback(True)


@pytest.fixture
def django_settings_hold(settings):
    return settings
