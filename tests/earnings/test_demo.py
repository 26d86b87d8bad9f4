"""The demo data: a year of earnings, payouts in every state; all views agree to the cent."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from earnings.models import LedgerEntry, Payout
from sessions_app.models import Booking, Session
from tests.conftest import bearer, jwt_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(username="mentor")


def _expected(mentor):
    """Independent arithmetic from the raw bookings and payouts (not the ledger queries)."""
    fee_rate = Decimal(settings_fee()) / 100
    gross = net = Decimal("0")
    by_month = defaultdict(lambda: Decimal("0"))
    bookings = Booking.objects.filter(
        session__mentor=mentor,
        session__status=Session.Status.COMPLETED,
        status__in=["attended", "no_show"],  # a learner no-show pays the mentor (policy)
        amount_paid__gt=0,
    ).select_related("session")
    for b in bookings:
        fee = (b.amount_paid * fee_rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        gross += b.amount_paid
        net += b.amount_paid - fee
        month = timezone.localtime(b.session.ended_at, mentor.tzinfo).strftime("%Y-%m")
        by_month[month] += b.amount_paid - fee
    payouts = list(Payout.objects.filter(mentor=mentor).values_list("amount", "status"))
    paid = sum((a for a, s in payouts if s == "paid"), Decimal("0"))
    spent = sum((a for a, s in payouts if s != "failed"), Decimal("0"))
    return gross, net, by_month, paid, spent, bookings.count()


def settings_fee():
    from django.conf import settings

    return settings.PLATFORM_FEE_PERCENT


def test_demo_mentor_has_a_year_and_payouts_in_every_state(demo):
    months = {
        timezone.localtime(e.created_at).strftime("%Y-%m")
        for e in LedgerEntry.objects.filter(mentor=demo)
    }
    assert len(months) >= 11
    assert {"requested", "paid", "failed"} <= set(
        Payout.objects.filter(mentor=demo).values_list("status", flat=True)
    )
    assert Payout.objects.filter(mentor__username="mentor2").exists()


def test_seeding_twice_changes_nothing(demo):
    before = (LedgerEntry.objects.count(), Payout.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (LedgerEntry.objects.count(), Payout.objects.count()) == before


def test_tab_api_csv_and_report_agree_to_the_cent(demo):
    gross, net, by_month, paid, spent, bookings = _expected(demo)
    assert LedgerEntry.objects.filter(mentor=demo, kind="booking").count() == bookings
    available = net - spent  # every demo entry is past its hold

    api = bearer(demo).get("/api/earnings/").json()
    assert Decimal(api["total_earned"]) == net
    assert Decimal(api["available"]) == available
    assert Decimal(api["paid_out"]) == paid
    for m in api["monthly"]:
        assert Decimal(m["net"]) == by_month.get(m["month"], Decimal("0")), m["month"]

    html = jwt_client(demo).get("/mentor/dashboard/earnings/").content.decode()
    for value in (net, available, paid):
        assert f">USD\u00a0{value:,.2f}</p>" in html

    today = timezone.localdate()
    export = jwt_client(demo).get(
        "/mentor/dashboard/earnings/ledger.csv", {"start": "2000-01-01", "end": today.isoformat()}
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert sum(Decimal(r["net"]) for r in rows) == net
    assert sum(Decimal(r["gross"]) for r in rows) == gross

    report_net = Decimal("0")
    for month in {r["date"][:7] for r in rows} | set(by_month):
        out = io.StringIO()
        call_command("earnings_report", "--month", month, stdout=out)
        for row in csv.DictReader(io.StringIO(out.getvalue())):
            if row["mentor"] == "mentor":
                report_net += Decimal(row["net"])
    assert report_net == net
