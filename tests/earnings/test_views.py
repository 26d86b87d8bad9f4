"""The Earnings tab: summary, breakdowns, the Request payout dialog, CSV export."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from earnings.models import LedgerEntry, Payout
from tests.analytics.builders import ledger

from .builders import completed_session, entry, many_learners

pytestmark = pytest.mark.django_db
URL = "/mentor/dashboard/earnings/"
DIALOG = "/mentor/dashboard/earnings/payout/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_it_shows_summary_months_sessions_and_payouts(mentor_client, funded_mentor, learner):
    completed_session(funded_mentor, [learner], price="100.00", title="Intro to DRF")
    Payout.objects.create(
        mentor=funded_mentor, amount="25.00", status="failed", failure_reason="IBAN"
    )
    response = mentor_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "Request payout" in html
    assert "435.00" in html and "300.00" in html and "135.00" in html  # total, available, pending
    assert "USD" in html
    assert "Intro to DRF" in html and "90.00" in html
    assert 'data-status="failed"' in html and "IBAN" in html
    assert 'role="img"' in html and 'id="monthly-table"' in html


def test_the_chart_has_a_scale_and_names_each_bar_by_its_net(mentor_client, mentor):
    ledger(mentor, "1234.50", created_at=timezone.now() - timedelta(minutes=5))
    html = mentor_client.get(URL).content.decode()
    this_month = timezone.localdate().strftime("%b %Y")
    assert f'aria-label="{this_month}: USD\u00a01,234.50 net (this month)"' in html
    assert html.count('tabindex="0" role="img"') == 12
    axis = html.split('data-axis="y"')[1].split("</div>")[0]
    assert [t.split("<")[0] for t in axis.split('%">')[1:]] == ["0", "500", "1,000", "1,500"]


def test_htmx_gets_only_the_panel(mentor_client, funded_mentor):
    response = mentor_client.get(URL, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "earnings-summary" in html


def test_it_has_an_empty_state(mentor_client):
    html = mentor_client.get(URL).content.decode()
    assert "No earnings yet" in html and "No payouts yet" in html and "0.00" in html


def test_learners_get_403_and_anonymous_go_to_login(learner_client, anon_client):
    assert learner_client.get(URL).status_code == 403
    response = anon_client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_the_dialog_defaults_to_all_available(mentor_client, funded_mentor):
    response = mentor_client.get(DIALOG, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<dialog data-modal" in html
    assert 'value="300.00"' in html and "no fee" in html


def test_request_payout_goes_through_a_confirmation_step(mentor_client, funded_mentor):
    review = mentor_client.post(DIALOG, {"action": "review", "amount": "120.00"}, **HTMX)
    html = review.content.decode()
    assert review.status_code == 200
    assert 'You are requesting <strong class="tabular-nums">USD\u00a0120.00</strong>' in html
    assert "Payouts are processed within 3 business days." in html
    assert not Payout.objects.exists()
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    confirm = mentor_client.post(
        DIALOG, {"action": "confirm", "amount": "120.00", "idempotency_key": key}, **HTMX
    )
    assert confirm.status_code == 200
    assert confirm["HX-Retarget"] == "#payout-flash" and "closeDialog" in confirm["HX-Trigger"]
    done = confirm.content.decode()
    assert 'id="earnings-summary" aria-label="Balance" hx-swap-oob="true"' in done
    assert "180.00" in done and 'data-status="requested"' in done
    payout = Payout.objects.get()
    assert payout.amount == Decimal("120.00") and payout.idempotency_key == key
    # A double click (same form posted again) makes no second payout.
    mentor_client.post(
        DIALOG, {"action": "confirm", "amount": "120.00", "idempotency_key": key}, **HTMX
    )
    assert Payout.objects.count() == 1


@pytest.mark.parametrize(
    "amount, message",
    [
        ("19.99", "minimum payout is USD\u00a020.00"),
        ("300.01", "at most USD\u00a0300.00"),
        ("1.234", "two decimal"),
    ],
)
def test_bad_amounts_show_in_the_dialog(mentor_client, funded_mentor, amount, message):
    response = mentor_client.post(DIALOG, {"action": "review", "amount": amount}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422 and message in html and 'aria-invalid="true"' in html
    assert not Payout.objects.exists()


def test_confirm_rechecks_the_balance(mentor_client, funded_mentor):
    Payout.objects.create(mentor=funded_mentor, amount="250.00")  # spent in another tab
    response = mentor_client.post(DIALOG, {"action": "confirm", "amount": "120.00"}, **HTMX)
    assert response.status_code == 422 and "at most USD\u00a050.00" in response.content.decode()
    assert Payout.objects.count() == 1


def test_back_returns_to_the_amount(mentor_client, funded_mentor):
    response = mentor_client.post(DIALOG, {"action": "back", "amount": "120.00"}, **HTMX)
    assert 'value="120.00"' in response.content.decode() and not Payout.objects.exists()


def test_the_ledger_csv_covers_the_chosen_range(mentor_client, mentor, learner):
    tz = mentor.tzinfo
    old = completed_session(
        mentor, [learner], price="40.00", ended_at=timezone.now() - timedelta(days=40), title="Old"
    )
    new = completed_session(mentor, [learner], price="60.00", title="=SUM(A1)")
    today = timezone.localtime(timezone.now(), tz).date()
    response = mentor_client.get(
        "/mentor/dashboard/earnings/ledger.csv",
        {"start": (today - timedelta(days=7)).isoformat(), "end": today.isoformat()},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["session_id"] for r in rows] == [str(new.pk)]
    assert rows[0]["session"] == "'=SUM(A1)"  # no formula injection
    assert (rows[0]["gross"], rows[0]["fee"], rows[0]["net"]) == ("60.00", "6.00", "54.00")
    everything = mentor_client.get(
        "/mentor/dashboard/earnings/ledger.csv", {"start": "2000-01-01", "end": today.isoformat()}
    )
    ids = [r["session_id"] for r in csv.DictReader(io.StringIO(everything.content.decode()))]
    assert ids == [str(old.pk), str(new.pk)]


def test_a_bad_csv_range_shows_errors(mentor_client, mentor):
    response = mentor_client.get(
        "/mentor/dashboard/earnings/ledger.csv", {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 422
    assert "must be on or after the start date" in response.content.decode()
    bad = mentor_client.get("/mentor/dashboard/earnings/ledger.csv", {"start": "nope"})
    assert bad.status_code == 422


def test_the_csv_is_only_the_mentors_own(mentor_client, other_mentor, learner):
    completed_session(other_mentor, [learner], price="60.00")
    response = mentor_client.get(
        "/mentor/dashboard/earnings/ledger.csv",
        {"start": "2000-01-01", "end": date.today().isoformat()},
    )
    assert len(list(csv.reader(io.StringIO(response.content.decode())))) == 1  # header only


def test_tab_query_count_does_not_grow_with_the_ledger(
    mentor, mentor_client, django_assert_max_num_queries
):
    learners = many_learners(10)
    completed_session(mentor, learners, price="30.00", title="S0")
    Payout.objects.create(mentor=mentor, amount="20.00", status="paid", reference="R")
    assert LedgerEntry.objects.count() == 10
    with django_assert_max_num_queries(20) as small:
        assert mentor_client.get(URL).status_code == 200
    for i in range(1, 100):
        completed_session(
            mentor,
            learners,
            price="30.00",
            title=f"S{i}",
            ended_at=timezone.now() - timedelta(days=i),
        )
    for i in range(30):
        Payout.objects.create(mentor=mentor, amount="20.00", status="paid", reference=f"R{i}")
    entry(mentor, "5.00")
    assert LedgerEntry.objects.count() == 1001
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = mentor_client.get(URL).content.decode()
    assert "Page 1 of 11" in html


def test_the_live_fragments_refresh_summary_and_history(mentor_client, funded_mentor, learner):
    from core import live_fragments
    from notifications.consumers import render_fragments

    payout = Payout.objects.create(
        mentor=funded_mentor, amount="40.00", status="paid", reference="R"
    )
    # What the socket sends (in the mentor's time zone, like the page).
    frames = render_fragments(funded_mentor, [("earnings_summary", {}), ("payout_history", {})])
    summary, history = (frame["html"] for frame in frames)
    assert 'id="earnings-summary" aria-label="Balance" hx-swap-oob="true"' in summary
    assert 'data-live-fragment="earnings_summary"' in summary
    assert '"paid_out">USD\u00a040.00</p>' in summary  # paid out
    assert f'id="payout-{payout.pk}"' in history and 'data-status="paid"' in history
    # The tab's first render is the same markup, without hx-swap-oob.
    html = mentor_client.get(URL).content.decode()
    for fragment in (summary, history):
        assert fragment.strip().replace(' hx-swap-oob="true"', "", 1) in html
    # A learner has no earnings: nothing is rendered for them.
    assert live_fragments.render(learner, "earnings_summary") is None


def test_learners_cannot_open_the_payout_dialog(learner_client):
    assert learner_client.get(DIALOG, **HTMX).status_code == 403
    assert learner_client.post(DIALOG, {"action": "confirm", "amount": "20.00"}).status_code == 403
    assert not Payout.objects.exists()


def test_the_payout_dialog_needs_csrf(mentor, funded_mentor):
    from tests.conftest import jwt_client

    client = jwt_client(mentor, enforce_csrf=True)
    response = client.post(DIALOG, {"action": "confirm", "amount": "20.00"}, **HTMX)
    assert response.status_code == 403 and not Payout.objects.exists()


def test_the_session_list_shows_learners_amounts_and_available_date(
    mentor_client, mentor, learner, other_learner, settings
):
    settings.EARNINGS_HOLD_DAYS = 3
    ended = timezone.now() - timedelta(days=1)
    completed_session(
        mentor, [learner, other_learner], price="40.00", ended_at=ended, title="Pair session"
    )
    html = mentor_client.get(URL).content.decode()
    row = html.split("Pair session")[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in row.split('<td class="px-3 py-2 text-right')]
    # learners, refunded, gross, fee, net
    assert cells[1:6] == ["2", "–", "USD\u00a080.00", "USD\u00a08.00", "USD\u00a072.00"]
    available = timezone.localtime(ended + timedelta(days=3), mentor.tzinfo)
    assert f'<span class="text-amber-800">{available:%a %-d %b %Y}</span>' in row  # still pending


def test_refunds_and_adjustments_are_rows_of_their_own(mentor_client, mentor, learner):
    from earnings import queries, services

    completed_session(mentor, [learner], price="50.00", title="Paid one")
    services.record_adjustment(mentor, Decimal("-10.00"), "Refund: cut short", kind="refund")
    services.record_adjustment(mentor, Decimal("5.00"), "Goodwill bonus")
    rows = queries.money_rows(queries.session_earnings(mentor))
    assert sorted((r["session_id"] is None, r["learners"], r["net"]) for r in rows) == [
        (False, 1, Decimal("45.00")),
        (True, 0, Decimal("-10.00")),
        (True, 0, Decimal("5.00")),
    ]
    html = mentor_client.get(URL).content.decode()
    assert "Refund: cut short" in html and "Goodwill bonus" in html
