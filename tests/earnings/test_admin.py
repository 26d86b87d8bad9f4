"""Staff admin: the ledger is read-only; payout actions use the services."""

import pytest
from django.test import Client

from earnings.models import LedgerEntry, Payout
from notifications.models import Notification

from .builders import completed_session

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/earnings/payout/"


@pytest.fixture
def admin_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_the_ledger_is_read_only(admin_client, mentor, learner):
    completed_session(mentor, [learner])
    entry = LedgerEntry.objects.get()
    assert admin_client.get("/admin/earnings/ledgerentry/").status_code == 200
    assert admin_client.get("/admin/earnings/ledgerentry/add/").status_code == 403
    assert admin_client.post(f"/admin/earnings/ledgerentry/{entry.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/earnings/ledgerentry/{entry.pk}/change/", {"net": "999.00"})
    entry.refresh_from_db()
    assert str(entry.net) == "45.00"


def test_payouts_list_with_filters(admin_client, funded_mentor):
    Payout.objects.create(mentor=funded_mentor, amount="40.00")
    response = admin_client.get(CHANGELIST, {"status__exact": "requested"})
    assert response.status_code == 200 and "40.00" in response.content.decode()


def test_mark_paid_action_asks_for_a_reference_then_notifies(admin_client, funded_mentor, staff):
    payout = Payout.objects.create(mentor=funded_mentor, amount="40.00")
    data = {"action": "mark_paid", "_selected_action": [payout.pk]}
    ask = admin_client.post(CHANGELIST, data)
    assert ask.status_code == 200 and "Payment reference" in ask.content.decode()
    assert "USD\u00a040.00" in ask.content.decode()  # the one money style (#18)
    payout.refresh_from_db()
    assert payout.status == "requested"
    done = admin_client.post(CHANGELIST, {**data, "apply": "1", "value": "BANK-1"})
    assert done.status_code == 302
    payout.refresh_from_db()
    assert (payout.status, payout.reference, payout.processed_by) == ("paid", "BANK-1", staff)
    assert Notification.objects.filter(user=funded_mentor, kind="payout_status").count() == 1
    # Again: a warning, no second notification.
    admin_client.post(CHANGELIST, {**data, "apply": "1", "value": "BANK-2"})
    payout.refresh_from_db()
    assert payout.reference == "BANK-1"
    assert Notification.objects.filter(user=funded_mentor).count() == 1


def test_mark_failed_action(admin_client, funded_mentor):
    payout = Payout.objects.create(mentor=funded_mentor, amount="40.00")
    data = {"action": "mark_failed", "_selected_action": [payout.pk], "apply": "1"}
    admin_client.post(CHANGELIST, {**data, "value": "Wrong IBAN"})
    payout.refresh_from_db()
    assert (payout.status, payout.failure_reason) == ("failed", "Wrong IBAN")


def test_mark_processing_action(admin_client, funded_mentor):
    payout = Payout.objects.create(mentor=funded_mentor, amount="40.00")
    admin_client.post(CHANGELIST, {"action": "mark_processing", "_selected_action": [payout.pk]})
    payout.refresh_from_db()
    assert payout.status == "processing"
