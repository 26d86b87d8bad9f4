"""Every write path invalidates the mentor's cached figures and rows.

Each test warms the cache through the apps' cached queries, writes through the
service users go through (on-commit callbacks executed, as in production), and
reads again: the figures are fresh and the mentor's data version rose (what
other processes see). A model that feeds the figures without being watched,
or a write path around its invalidation, fails here.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from analytics import queries as analytics
from core import cache
from earnings import queries as earnings
from earnings import services as payouts
from earnings.models import LedgerEntry, Payout
from policies.models import CancellationPolicy
from requests_app import services as requests
from requests_app.models import SessionRequest
from sessions_app import services
from sessions_app.models import Booking, Review, Session, WaitlistEntry
from sessions_app.services import reviews
from tests.analytics.builders import ago, booking, ledger, session
from tests.conftest import jwt_client, make_user

pytestmark = pytest.mark.django_db
SCHEDULED = "/mentor/dashboard/sessions/scheduled/"
DRAFTS = "/mentor/dashboard/sessions/draft/"
REQUESTS = "/mentor/dashboard/requests/"


@pytest.fixture(autouse=True)
def same_minute(monkeypatch):
    """Keys hold the minute: a test crossing into the next one must not pass by it."""
    monkeypatch.setattr(cache, "_minute", lambda: 1)


@pytest.fixture
def ann(db):
    return make_user("ann", User.Role.MENTOR)


@pytest.fixture
def lea(db):
    return make_user("lea")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and its on-commit callbacks (the data version is raised there)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def version(user) -> int:
    return User.objects.get(pk=user.pk).data_version


def tab(client, url) -> str:
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def counts(html: str) -> dict[str, str]:
    """The counts on the subtabs / filters (data-count="key">n<)."""
    return dict(re.findall(r'data-count="(\w+)"[^>]*>(\d+)<', html))


def test_a_payout_request_lowers_the_available_balance(ann, committed):
    ledger(ann, "100.00", created_at=ago(days=30))
    assert earnings.balances(ann).available == Decimal("100.00")
    before = version(ann)
    with committed():
        payouts.request_payout(ann, Decimal("60.00"), "key-1")
    assert earnings.balances(ann).available == Decimal("40.00")
    assert earnings.balances(ann).reserved == Decimal("60.00")
    assert version(ann) > before


def test_a_payout_marked_paid_moves_to_paid_out(ann, committed):
    ledger(ann, "100.00", created_at=ago(days=30))
    payout, _ = payouts.request_payout(ann, Decimal("60.00"), "key-1")
    assert earnings.balances(ann).paid_out == Decimal("0.00")
    with committed():
        payouts.mark_paid(payout, "ref-1")
    assert earnings.balances(ann).paid_out == Decimal("60.00")


def test_a_completed_session_changes_earnings_and_analytics(ann, lea, committed):
    live = session(ann, ago(hours=0.5), status=Session.Status.LIVE, price=Decimal("50.00"))
    booking(live, lea, status=Booking.Status.BOOKED, joined_at=timezone.now(), amount_paid=50)
    assert earnings.balances(ann).total_earned == Decimal("0.00")
    assert analytics.analytics(ann, "30d").session_count == 0
    assert earnings.sessions_page(ann, None).paginator.count == 0
    before = version(ann)
    with committed():
        services.end_session(ann, live)  # bookings updated, ledger bulk-created
    assert earnings.balances(ann).total_earned > 0
    assert earnings.monthly(ann)[-1]["sessions"] == 1
    assert earnings.sessions_page(ann, None).paginator.count == 1
    data = analytics.analytics(ann, "30d")
    assert (data.session_count, data.attended) == (1, 1)
    assert version(ann) > before


def test_a_review_changes_the_rating(ann, lea, committed):
    past = session(ann, ago(days=2))
    booking(past, lea)
    assert analytics.analytics(ann, "30d").rating_count == 0
    with committed():
        reviews.leave_review(lea, past, 4, "Clear")
    data = analytics.analytics(ann, "30d")
    assert (data.rating_count, data.average_rating) == (1, 4.0)


def test_a_request_and_its_answer_change_the_rows_and_figures(ann, lea, committed):
    client = jwt_client(ann)
    assert "Help with SQL" not in tab(client, REQUESTS)
    with committed():
        sent = requests.create_request(
            lea, ann, topic="Help with SQL", preferred_times=[ago(days=-3)]
        )
    html = tab(client, REQUESTS)
    assert "Help with SQL" in html
    assert counts(html) == {"pending": "1", "answered": "0"}  # cached with the rows
    assert analytics.analytics(ann, "30d").declined == 0
    with committed():
        requests.decline_request(ann, sent, "Busy")
    html = tab(client, REQUESTS)
    assert "Help with SQL" not in html
    assert counts(html) == {"pending": "0", "answered": "1"}
    assert analytics.analytics(ann, "30d").declined == 1


def test_a_publish_and_a_booking_change_the_session_rows(ann, lea, committed):
    client = jwt_client(ann)
    draft = services.create_session(
        ann, title="Draft to publish", starts_at=ago(days=-5), duration_minutes=60, capacity=3
    )
    html = tab(client, DRAFTS)
    assert "Draft to publish" in html and "1 session · " in html
    assert counts(html) == {"draft": "1", "scheduled": "0", "past": "0"}  # cached with the rows
    with committed():
        services.publish_session(ann, draft)
    html = tab(client, DRAFTS)
    assert "Draft to publish" not in html
    assert counts(html) == {"draft": "0", "scheduled": "1", "past": "0"}
    assert "1 session · " in tab(client, SCHEDULED)  # the paginator's count, cached too
    assert f'id="participants-{draft.pk}"' in tab(client, SCHEDULED)
    assert "0 / 3" in tab(client, SCHEDULED)
    with committed():
        services.book_session(lea, Session.objects.get(pk=draft.pk))
    assert "1 / 3" in tab(client, SCHEDULED)


def test_another_mentors_writes_leave_the_cache_alone(ann, committed):
    bob = make_user("bob", User.Role.MENTOR)
    ledger(ann, "10.00")
    key = cache.key_for(ann, "x")
    with committed():
        ledger(bob, "20.00")
    assert cache.key_for(ann, "x") == key


# --- every watched model, every kind of write ------------------------------------


def rows(ann, lea) -> dict[type, object]:
    """One row of each watched model, owned by `ann`."""
    past = session(ann, ago(days=2))
    return {
        Session: past,
        Booking: booking(past, lea),
        Review: Review.objects.create(session=past, learner=lea, mentor=ann, rating=5),
        SessionRequest: SessionRequest.objects.create(mentor=ann, learner=lea, topic="Help"),
        LedgerEntry: ledger(ann, "5.00"),
        Payout: Payout.objects.create(mentor=ann, amount=Decimal("1.00")),
        WaitlistEntry: WaitlistEntry.objects.create(session=past, learner=lea),
        CancellationPolicy: CancellationPolicy.objects.create(mentor=ann),
    }


def test_every_watched_model_is_covered_here(ann, lea):
    assert set(rows(ann, lea)) == set(cache.watched())


@pytest.mark.parametrize(
    "write",
    ["save", "update", "bulk_update", "delete", "bulk_create"],
)
@pytest.mark.parametrize("model", list(cache.watched()), ids=lambda m: m.__name__)
def test_each_kind_of_write_raises_the_owners_version(ann, lea, committed, model, write):
    row = rows(ann, lea)[model]
    manager = model._default_manager
    field = next(f.attname for f in model._meta.concrete_fields if not f.is_relation)
    if field == model._meta.pk.attname:
        field = next(f.attname for f in model._meta.concrete_fields[1:] if not f.is_relation)
    before = version(ann)
    key = cache.key_for(ann, "x")
    with committed():
        if write == "save":
            row.save()
        elif write == "update":
            manager.filter(pk=row.pk).update(**{field: F(field)})
        elif write == "bulk_update":
            manager.bulk_update([row], [field])
        elif write == "delete":
            manager.filter(pk=row.pk).delete()
        else:
            manager.filter(pk=row.pk).delete()
            row.pk = None
            manager.bulk_create([row])
    assert version(ann) > before
    assert cache.key_for(ann, "x") != key
