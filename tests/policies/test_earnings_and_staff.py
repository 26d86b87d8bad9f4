"""Refunds in the Earnings tab, /api/earnings/ and the ledger CSV; staff see refunds
with their reason in admin and can issue a manual refund with a note (audit)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from earnings.models import LedgerEntry
from earnings.queries import compute_balances
from tests.conftest import bearer, jwt_client
from tests.sessions_app.builders import make_booking, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_cancel(mentor, learner):
    session = make_session(
        mentor, starts_at=timezone.now() + timedelta(hours=3), price=Decimal("40.00")
    )
    booking = make_booking(session, learner)
    bearer(learner).post(f"/api/learner/bookings/{booking.pk}/cancel/")
    return booking  # 20.00 refunded, 20.00 kept (18.00 net)


def test_the_api_shows_refunds_per_month_and_totals_that_add_up(mentor, late_cancel):
    data = bearer(mentor).get("/api/earnings/").json()
    month = data["monthly"][-1]
    assert month["refunds"] == "20.00"
    assert (month["gross"], month["fee"], month["net"]) == ("20.00", "2.00", "18.00")
    assert data["total_earned"] == "18.00" and data["pending"] == "18.00"
    assert Decimal(data["pending"]) + Decimal(data["available"]) + Decimal(data["paid_out"]) == (
        Decimal(data["total_earned"])
    )


def test_the_tab_shows_the_refund_on_the_session_row_and_in_the_month(mentor, late_cancel):
    html = jwt_client(mentor).get("/mentor/dashboard/earnings/").content.decode()
    row = html.split(late_cancel.session.title)[1].split("</tr>")[0]
    assert "data-refunds>USD\u00a020.00<" in row and "USD\u00a018.00" in row
    month = html.split('id="monthly-table"')[1].split("</tbody>")[0]
    assert "USD\u00a020.00" in month and "USD\u00a018.00" in month


def test_the_ledger_csv_lists_the_refund_with_its_reason(mentor, late_cancel):
    today = timezone.localdate()
    response = jwt_client(mentor).get(
        f"/mentor/dashboard/earnings/ledger.csv?start={today - timedelta(days=1)}&end={today + timedelta(days=1)}"
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    kinds = {(r["kind"], r["gross"], r["reason"]) for r in rows}
    assert ("refund", "-20.00", "learner_cancel_late") in kinds
    assert ("booking", "40.00", "learner_cancel_late") in kinds
    assert sum(Decimal(r["net"]) for r in rows) == Decimal("18.00")


def test_admin_lists_refunds_with_their_reason(client, staff, late_cancel):
    client.force_login(staff)
    html = client.get("/admin/earnings/ledgerentry/?kind__exact=refund").content.decode()
    assert "Learner cancelled late" in html and "Issue a manual refund" in html


def test_staff_issue_a_manual_refund_with_a_note(client, staff, mentor, learner, late_cancel):
    client.force_login(staff)
    url = "/admin/earnings/ledgerentry/refund/"
    assert client.get(url).status_code == 200
    too_much = {
        "mentor": mentor.username,
        "booking": late_cancel.pk,
        "amount": "25.00",
        "note": "Goodwill",
    }
    response = client.post(url, too_much)
    assert response.status_code == 200 and "is left to refund" in response.content.decode()
    response = client.post(url, {**too_much, "amount": "20.00"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(reason="manual")
    assert (entry.kind, entry.gross, entry.net, entry.note, entry.created_by) == (
        "refund",
        Decimal("-20.00"),
        Decimal("-20.00"),
        "Goodwill",
        staff,
    )
    assert LogEntry.objects.filter(object_id=str(entry.pk), user=staff).exists()
    assert compute_balances(mentor).total_earned == Decimal("-2.00")
    no_note = client.post(url, {**too_much, "amount": "1.00", "note": " "})
    assert no_note.status_code == 200 and LedgerEntry.objects.filter(reason="manual").count() == 1


def test_non_staff_cannot_open_the_refund_page(client, mentor):
    client.force_login(mentor)
    response = client.get("/admin/earnings/ledgerentry/refund/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
