"""Operator commands: process_payouts and earnings_report."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from earnings.models import Payout
from notifications.models import Notification

from .builders import completed_session

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def payouts(funded_mentor, other_mentor):
    a = Payout.objects.create(mentor=funded_mentor, amount="40.00")
    b = Payout.objects.create(mentor=funded_mentor, amount="60.00", status="processing")
    c = Payout.objects.create(mentor=funded_mentor, amount="10.00", status="paid", reference="X")
    return a, b, c


def test_it_lists_open_payouts(payouts):
    a, b, c = payouts
    out = run("process_payouts")
    assert f"#{a.pk}" in out and f"#{b.pk}" in out and f"#{c.pk} " not in out
    assert "40.00 USD" in out and "2 payout(s)." in out


def test_mark_paid_with_reference_notifies(payouts, funded_mentor):
    a, b, _ = payouts
    out = run("process_payouts", "--mark-paid", str(a.pk), str(b.pk), "--reference", "R1")
    assert "→ paid" in out
    assert set(Payout.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", "reference")) == {
        ("paid", "R1")
    }
    assert Notification.objects.filter(user=funded_mentor, kind="payout_status").count() == 2


def test_mark_failed_with_reason(payouts, funded_mentor):
    a, *_ = payouts
    run("process_payouts", "--mark-failed", str(a.pk), "--reason", "Account closed")
    a.refresh_from_db()
    assert a.status == "failed" and a.failure_reason == "Account closed"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--mark-paid", "1"], "--reference"),
        (["--mark-failed", "1"], "--reason"),
        (["--mark-paid", "abc", "--reference", "R"], "numbers"),
        (["--mark-paid", "999999", "--reference", "R"], "No payout with id 999999"),
        (["--reference", "R"], "go with --mark-paid"),
    ],
)
def test_bad_arguments_fail_clearly(payouts, args, message):
    with pytest.raises(CommandError, match=message):
        run("process_payouts", *args)
    assert Payout.objects.filter(status="paid").count() == 1


def test_processing_a_paid_payout_again_fails(payouts):
    *_, c = payouts
    with pytest.raises(CommandError, match="not changed"):
        run("process_payouts", "--mark-paid", str(c.pk), "--reference", "R2")
    c.refresh_from_db()
    assert c.reference == "X"


def test_export_writes_csv(payouts, tmp_path):
    path = tmp_path / "payouts.csv"
    out = run("process_payouts", "--export", str(path), "--status", "all")
    assert "Wrote 3 payout(s)" in out
    rows = list(csv.DictReader(path.open()))
    assert [r["amount"] for r in rows] == ["40.00", "60.00", "10.00"]
    assert rows[2]["reference"] == "X"
    with pytest.raises(CommandError, match="Can't write"):
        run("process_payouts", "--export", str(tmp_path / "missing" / "x.csv"))


def test_earnings_report_per_mentor(mentor, other_mentor, learner, other_learner, tmp_path):
    utc = ZoneInfo("UTC")
    march = datetime(2026, 3, 10, 18, tzinfo=utc)
    completed_session(mentor, [learner, other_learner], price="33.35", ended_at=march)
    completed_session(other_mentor, [learner], price="20.00", ended_at=march + timedelta(days=5))
    completed_session(
        mentor, [learner], price="99.00", ended_at=datetime(2026, 4, 1, 0, 30, tzinfo=utc)
    )
    Payout.objects.create(
        mentor=mentor, amount="30.00", status="paid", processed_at=march + timedelta(days=1)
    )
    out = run("earnings_report", "--month", "2026-03")
    rows = list(csv.DictReader(io.StringIO(out)))
    by_name = {r["mentor"]: r for r in rows}
    assert set(by_name) == {mentor.username, other_mentor.username}
    ann = by_name[mentor.username]
    assert (ann["sessions"], ann["entries"]) == ("1", "2")
    assert (ann["gross"], ann["fee"], ann["net"], ann["paid_out"]) == (
        "66.70",
        "6.68",
        "60.02",
        "30.00",
    )
    assert by_name[other_mentor.username]["net"] == "18.00"
    target = tmp_path / "march.csv"
    call_command(
        "earnings_report", "--month", "2026-03", "--output", str(target), stderr=io.StringIO()
    )
    assert target.read_bytes().decode() == out


@pytest.mark.parametrize("month", ["2026-13", "March", "2026-3-1", "26-03"])
def test_earnings_report_refuses_bad_months(month):
    with pytest.raises(CommandError, match="YYYY-MM"):
        run("earnings_report", "--month", month)


def test_earnings_report_needs_a_month():
    with pytest.raises(CommandError):
        run("earnings_report")


def test_fee_rounding_per_entry_is_what_the_report_sums(mentor, learner):
    completed_session(mentor, [learner], price="33.35", ended_at=timezone.now())
    month = timezone.now().strftime("%Y-%m")
    row = next(csv.DictReader(io.StringIO(run("earnings_report", "--month", month))))
    assert Decimal(row["fee"]) == Decimal("3.34")  # 3.335 half-up


def test_operator_exports_quote_formula_cells(payouts, tmp_path, funded_mentor, learner):
    """Payout references, failure reasons and usernames can't become spreadsheet formulas."""
    *_, c = payouts
    Payout.objects.filter(pk=c.pk).update(reference="=HYPERLINK(1)")
    funded_mentor.username = "+cmd"
    funded_mentor.save(update_fields=["username"])
    path = tmp_path / "payouts.csv"
    run("process_payouts", "--export", str(path), "--status", "all")
    text = path.read_text()
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    month = timezone.localtime(timezone.now()).strftime("%Y-%m")
    completed_session(funded_mentor, [learner], price="10.00")
    report = run("earnings_report", "--month", month)
    assert "'+cmd" in report and ",+cmd," not in report
