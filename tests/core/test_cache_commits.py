"""Cached figures and rows (core/cache.py) with real commits.

The rest of the in-process suite runs inside never-committed transactions (the
writing process's generation keeps their reads fresh); here every test commits,
so the after-commit raise of the data version runs exactly as in production,
where it is what other processes see.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core import cache
from earnings.models import LedgerEntry
from sessions_app.models import Booking, Session
from sessions_app.services import publish_session
from tests.analytics.builders import ago, booking, ledger, review, session
from tests.conftest import jwt_client, make_user

pytestmark = pytest.mark.django_db(transaction=True)

EARNINGS = "/mentor/dashboard/earnings/"
ANALYTICS = "/mentor/dashboard/analytics/?period=all"
API_ANALYTICS = "/api/analytics/?period=all"
DRAFTS = "/mentor/dashboard/sessions/draft/"


@pytest.fixture(autouse=True)
def same_minute(monkeypatch):
    """Keys hold the minute: a test crossing into the next one must not miss."""
    monkeypatch.setattr(cache, "_minute", lambda: 1)


@pytest.fixture
def ann():
    return make_user("ann", User.Role.MENTOR)


def version(user) -> int:
    return User.objects.get(pk=user.pk).data_version


def total_earned(client) -> str:
    return client.get("/api/earnings/").json()["total_earned"]


def reviews_count(client) -> int:
    return client.get(API_ANALYTICS).json()["rating_count"]


def test_a_second_request_is_served_from_the_cache(ann):
    for i in range(5):
        ledger(ann, "10.00", created_at=ago(days=i + 1))
    client = jwt_client(ann)
    with CaptureQueriesContext(connection) as first:
        assert client.get(EARNINGS, HTTP_HX_REQUEST="true").status_code == 200
    with CaptureQueriesContext(connection) as second:
        page = client.get(EARNINGS, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert len(second) < len(first)
    assert not any("earnings_ledgerentry" in q["sql"] for q in second.captured_queries)
    assert "50.00" in page.content.decode()


def test_saves_updates_bulk_creates_and_deletes_each_invalidate(ann):
    learner = make_user("lea")
    client = jwt_client(ann)
    assert total_earned(client) == "0.00"

    entry = ledger(ann, "10.00")  # save() → post_save
    assert total_earned(client) == "10.00"

    LedgerEntry.objects.filter(pk=entry.pk).update(net=Decimal("12.00"))  # update()
    assert total_earned(client) == "12.00"

    LedgerEntry.objects.bulk_create(  # bulk_create() sends no signals
        [
            LedgerEntry(
                mentor=ann,
                gross=Decimal("3.00"),
                fee=Decimal("0.00"),
                net=Decimal("3.00"),
                created_at=ago(days=1),
                available_at=ago(days=1),
            )
        ]
    )
    assert total_earned(client) == "15.00"

    entry.delete()  # post_delete
    assert total_earned(client) == "3.00"

    # Bookings reach their mentor through the session.
    past = session(ann, ago(days=3))
    assert reviews_count(client) == 0
    booking(past, learner)
    review(past, learner, 5)
    assert reviews_count(client) == 1
    Booking.objects.bulk_create([Booking(session=past, learner=make_user("leo"))])
    assert version(ann) > 0


def test_the_version_rises_only_when_the_write_commits(ann):
    before = version(ann)
    with transaction.atomic():
        ledger(ann, "5.00")
        assert version(ann) == before  # readers keep the old figures until commit
    assert version(ann) == before + 1

    with pytest.raises(RuntimeError), transaction.atomic():
        ledger(ann, "5.00")
        raise RuntimeError("rolled back")
    assert version(ann) == before + 1


def test_mentors_do_not_share_figures_and_the_zone_is_part_of_the_key(ann):
    bob = make_user("bob", User.Role.MENTOR)
    ledger(ann, "40.00")
    ann_client, bob_client = jwt_client(ann), jwt_client(bob)
    assert total_earned(ann_client) == "40.00"
    assert total_earned(bob_client) == "0.00"

    key_utc = cache.key_for(ann, "x")
    ann.timezone = "Europe/Berlin"
    ann.save(update_fields=["timezone"])
    assert cache.key_for(ann, "x") != key_utc


def test_cached_session_rows_follow_a_publish(ann):
    draft = Session.objects.create(
        mentor=ann, title="Draft to publish", starts_at=ago(days=-5), status=Session.Status.DRAFT
    )
    client = jwt_client(ann)
    assert "Draft to publish" in client.get(DRAFTS, HTTP_HX_REQUEST="true").content.decode()
    publish_session(ann, draft)
    html = client.get(DRAFTS, HTTP_HX_REQUEST="true").content.decode()
    assert "Draft to publish" not in html
    assert "No drafts" in html


def test_rows_with_a_start_button_are_never_cached(ann):
    """Their form carries a CSRF token, which must be fresh in every response."""
    Session.objects.create(
        mentor=ann,
        title="Starting now",
        starts_at=ago(days=0, hours=-0.05),  # in 3 minutes
        status=Session.Status.SCHEDULED,
    )
    client = jwt_client(ann)
    tokens = set()
    for _ in range(2):
        html = client.get("/mentor/dashboard/sessions/scheduled/").content.decode()
        form = html[html.index('action="/live/') :]
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1))
    assert len(tokens) == 2  # masked afresh each time, so not a cached copy


def test_analytics_tab_and_api_see_a_new_review(ann):
    learner = make_user("lea")
    past = session(ann, ago(days=3))
    booking(past, learner)
    client = jwt_client(ann)
    assert "No reviews yet" in client.get(ANALYTICS, HTTP_HX_REQUEST="true").content.decode()
    review(past, learner, 4, comment="Clear and kind")
    assert "Clear and kind" in client.get(ANALYTICS, HTTP_HX_REQUEST="true").content.decode()
    assert reviews_count(client) == 1


def test_saving_a_user_loaded_earlier_keeps_the_raised_version(ann):
    stale = User.objects.get(pk=ann.pk)
    ledger(ann, "5.00")
    raised = version(ann)
    stale.first_name = "Ann"
    stale.save()
    assert version(ann) == raised
    assert User.objects.get(pk=ann.pk).first_name == "Ann"
