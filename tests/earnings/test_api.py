"""/api/earnings/ and /api/payouts/ (CONTRACT.md)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from earnings.models import LedgerEntry, Payout

from .builders import completed_session, entry, many_learners

pytestmark = pytest.mark.django_db


def test_earnings_answers_the_summary_and_twelve_months(mentor_api, funded_mentor, learner):
    completed_session(funded_mentor, [learner], price="100.00")  # pending (hold)
    Payout.objects.create(mentor=funded_mentor, amount="25.00", status="paid")
    body = mentor_api.get("/api/earnings/").json()
    assert body["currency"] == "USD"
    assert body["total_earned"] == "435.00"
    assert body["pending"] == "135.00"
    assert body["available"] == "275.00"
    assert body["paid_out"] == "25.00"
    assert len(body["monthly"]) == 12
    last = body["monthly"][-1]
    assert set(last) >= {"month", "sessions", "gross", "fee", "net"}
    assert last["month"] == timezone.localtime(timezone.now(), funded_mentor.tzinfo).strftime(
        "%Y-%m"
    )
    assert last["sessions"] == 1 and last["fee"] == "10.00"  # only the session has a fee
    assert sum(m["sessions"] for m in body["monthly"]) == 1
    assert sum(Decimal(m["net"]) for m in body["monthly"]) == Decimal("435.00")


def test_payouts_post_creates_and_lists(mentor_api, funded_mentor):
    response = mentor_api.post("/api/payouts/", {"amount": "120.00"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["amount"] == "120.00" and body["status"] == "requested"
    assert set(body) >= {"id", "amount", "status", "requested_at", "processed_at", "reference"}
    listing = mentor_api.get("/api/payouts/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == body["id"]
    assert mentor_api.get("/api/earnings/").json()["available"] == "180.00"


def test_the_same_idempotency_key_answers_the_same_response(mentor_api, funded_mentor):
    first = mentor_api.post(
        "/api/payouts/", {"amount": "50.00"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    second = mentor_api.post(
        "/api/payouts/", {"amount": "50.00"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Payout.objects.count() == 1
    other = mentor_api.post(
        "/api/payouts/", {"amount": "60.00"}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert other.status_code == 409 and Payout.objects.count() == 1


@pytest.mark.parametrize(
    "amount",
    ["10.005", "-10.00", "0", "0.00", "ten", "300.01", "19.99", "", None, True, [], {}, "1e400"],
)
def test_bad_amounts_answer_400_with_a_field_error(mentor_api, funded_mentor, amount):
    response = mentor_api.post("/api/payouts/", {"amount": amount}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Payout.objects.exists()


def test_a_missing_amount_or_bad_body_answers_400(mentor_api, funded_mentor):
    assert mentor_api.post("/api/payouts/", {}, format="json").status_code == 400
    bad = mentor_api.post("/api/payouts/", "{not json", content_type="application/json")
    assert bad.status_code == 400
    assert not Payout.objects.exists()


def test_another_mentors_payout_is_not_found(mentor_api, other_mentor, other_mentor_api):
    entry(other_mentor, "100.00")
    created = other_mentor_api.post("/api/payouts/", {"amount": "30.00"}, format="json").json()
    assert mentor_api.get(f"/api/payouts/{created['id']}/").status_code == 404
    assert other_mentor_api.get(f"/api/payouts/{created['id']}/").status_code == 200
    assert mentor_api.get("/api/payouts/").json()["count"] == 0


def test_learners_get_403_and_anonymous_401(learner_api, api_client):
    for path in ("/api/earnings/", "/api/payouts/"):
        assert learner_api.get(path).status_code == 403
        assert api_client.get(path).status_code == 401
    assert learner_api.post("/api/payouts/", {"amount": "20.00"}, format="json").status_code == 403


def _ledger(mentor, sessions: int, learners):
    for i in range(sessions):
        completed_session(mentor, learners, title=f"S{i}", price="30.00")


@pytest.mark.parametrize("path", ["/api/earnings/", "/api/payouts/"])
def test_query_count_does_not_grow_with_the_ledger(
    mentor, mentor_api, django_assert_max_num_queries, path
):
    learners = many_learners(10)
    _ledger(mentor, 1, learners)
    Payout.objects.create(mentor=mentor, amount="20.00", status="paid", reference="R")
    assert LedgerEntry.objects.count() == 10
    with django_assert_max_num_queries(8) as small:
        assert mentor_api.get(path).status_code == 200
    _ledger(mentor, 99, learners)
    for i in range(30):
        Payout.objects.create(mentor=mentor, amount="20.00", status="paid", reference=f"R{i}")
    assert LedgerEntry.objects.count() == 1000
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert mentor_api.get(path).status_code == 200


@pytest.mark.parametrize(
    "amount",
    [
        "2,0",
        "1,200.00",
        "２０",
        "٢٠",
        "20.",
        ".5",
        "1e2",
        "20 .00",
        "$20",
        "20.5.1",
        "-5",
        "inf",
        "NaN",
    ],
)
def test_payout_amount_accepts_only_ascii_digits(mentor_api, funded_mentor, amount):
    """Regression: "2,0" was read as 20.00 (commas stripped, Unicode digits parsed)."""
    response = mentor_api.post("/api/payouts/", {"amount": amount}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Payout.objects.exists()


@pytest.mark.parametrize("amount", ["20", "20.5", "20.50", 20])
def test_payout_amount_plain_forms_are_accepted(mentor_api, funded_mentor, amount):
    response = mentor_api.post("/api/payouts/", {"amount": amount}, format="json")
    assert response.status_code == 201, response.json()
    assert Decimal(response.json()["amount"]) == Decimal(str(amount))
