"""Cached dashboard tabs (core.tab_cache): same markup, fresh after every write.

Every test warms the cache first (a tab is stored on its first GET and served
from the store on the next), so a write whose invalidation broke would show the
stored, stale markup here. The minute in the keys is frozen (a test crossing
into the next minute must not pass by it).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import profile_services
from accounts.models import User
from accounts.user_cache import clear_local
from core import cache, tab_cache
from earnings import services as payouts
from notifications import services as notifications
from requests_app import services as requests
from requests_app.models import SessionRequest
from sessions_app import services
from sessions_app.models import Booking, Session
from sessions_app.services import reviews
from tests.analytics.builders import ago, booking, ledger, session
from tests.conftest import jwt_client, make_user
from tests.notifications.builders import make_notification

pytestmark = pytest.mark.django_db
BASE = "/mentor/dashboard/"
TABS = [
    "sessions/draft/",
    "sessions/scheduled/",
    "sessions/past/",
    "requests/",
    "requests/?filter=answered",
    "earnings/",
    "analytics/",
    "analytics/?period=365d",
    "profile/",
    "notifications/",
    "notifications/?filter=unread",
]
HX = {"HX-Request": "true"}
TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})')
NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture(autouse=True)
def same_minute(monkeypatch):
    monkeypatch.setattr(cache, "_minute", lambda: 1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ann(db):
    return make_user("ann", User.Role.MENTOR, timezone="Europe/Berlin")


@pytest.fixture
def lea(db):
    return make_user("lea", first_name="Lea")


@pytest.fixture
def data(ann, lea):
    """Something in every tab: sessions in each subtab, requests, money, notifications."""
    services.create_session(
        ann, title="A draft", starts_at=ago(days=-5), duration_minutes=60, capacity=3
    )
    upcoming = services.create_session(
        ann, title="Upcoming", starts_at=ago(days=-2), duration_minutes=60, capacity=3, publish=True
    )
    services.book_session(lea, upcoming)
    past = session(ann, ago(days=3), title="Held", price=Decimal("40.00"))
    booking(past, lea, amount_paid=40)
    ledger(ann, "40.00", created_at=ago(days=20), sess=past)
    reviews.leave_review(lea, past, 5, "Great")
    requests.create_request(lea, ann, topic="Help with SQL", preferred_times=[ago(days=-3)])
    make_notification(ann, "Read one", read=True)
    make_notification(ann, "Unread one", url="/mentor/dashboard/requests/")
    return {"upcoming": upcoming, "past": past}


def get(client, path, headers=None):
    response = client.get(BASE + path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def normalized(html: str) -> str:
    """The markup without this request's token and nonce."""
    return NONCE.sub('nonce="N"', TOKEN.sub(r"\1T", html))


def uncached(monkeypatch):
    """The tabs rendered as before: no stamp source, no key, nothing stored."""
    monkeypatch.setattr(tab_cache, "_stamp_source", [])


# --- the same markup --------------------------------------------------------------


@pytest.mark.parametrize("headers", [HX, {}], ids=["fragment", "page"])
@pytest.mark.parametrize("path", TABS)
def test_a_stored_tab_is_the_markup_rendered_without_the_cache(
    ann, data, monkeypatch, path, headers
):
    client = jwt_client(ann)
    with monkeypatch.context() as m:
        uncached(m)
        before = get(client, path, headers)
    stored = get(client, path, headers)  # rendered with placeholders, stored
    served = get(client, path, headers)  # from the store
    assert tab_cache.CSRF_PLACEHOLDER not in served + stored
    assert tab_cache.NONCE_PLACEHOLDER not in served + stored
    assert "\x1e" not in served + stored
    assert normalized(stored) == normalized(before)
    assert normalized(served) == normalized(before)
    if not headers:
        assert TOKEN.search(served) and NONCE.search(served)


@pytest.mark.parametrize(
    "path", ["sessions/scheduled/", "earnings/", "analytics/", "notifications/"]
)
def test_a_stored_tab_costs_one_query(ann, data, path, django_assert_max_num_queries):
    client = jwt_client(ann)
    get(client, path, HX)
    with django_assert_max_num_queries(1):  # the data version; the user and stamp are cached
        get(client, path, HX)


def test_each_response_gets_its_own_nonce_and_clock(ann, data, monkeypatch):
    client = jwt_client(ann)
    get(client, "sessions/scheduled/")
    first, second = get(client, "sessions/scheduled/"), get(client, "sessions/scheduled/")
    assert NONCE.search(first)[1] != NONCE.search(second)[1]


def test_time_relative_text_follows_the_clock_in_a_stored_tab(ann, lea, monkeypatch, committed):
    sent = requests.create_request(lea, ann, topic="Old one", preferred_times=[ago(days=-3)])
    SessionRequest.objects.filter(pk=sent.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    client = jwt_client(ann)
    assert ">2 min ago<" in get(client, "requests/", HX)
    assert ">2 min ago<" in get(client, "requests/", HX)  # from the store
    later = timezone.now() + timedelta(minutes=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with CaptureQueriesContext(connection) as queries:
        assert ">5 min ago<" in get(client, "requests/", HX)  # same key, the text of now
    assert len(queries) <= 1  # served from the store


# --- per-browser values -----------------------------------------------------------


def test_a_second_browser_gets_its_own_csrf_token_and_its_post_passes(ann, data):
    first = jwt_client(ann, enforce_csrf=True)
    second = jwt_client(ann, enforce_csrf=True)
    page = get(first, "notifications/")  # stored
    token_first = TOKEN.search(page)[2]
    served = get(second, "notifications/")  # from the store, for another browser
    token_second = TOKEN.search(served)[2]
    assert token_first != token_second
    denied = second.post("/notifications/read-all/", headers={**HX, "X-CSRFToken": "x" * 64})
    assert denied.status_code == 403
    answer = second.post("/notifications/read-all/", headers={**HX, "X-CSRFToken": token_second})
    assert answer.status_code == 200


def test_a_request_with_messages_waiting_is_not_served_from_the_store(ann):
    request = RequestFactory().get(BASE + "earnings/")
    request.user = ann
    request._messages = CookieStorage(request)
    assert tab_cache._key(request) is not None
    request._messages.add(20, "Saved.")
    assert tab_cache._key(request) is None


def test_live_state_inside_cached_rows_keeps_the_tab_from_being_stored():
    from django.template import Context, Template

    outer = cache._Volatile()
    template = Template("{% load cachedrows %}{% cachedrows key %}{{ live }}{% endcachedrows %}")

    class Live:
        def __init__(self, context):
            self.context = context

        def __str__(self):
            cache.never_cache_markup(self.context)
            return "online"

    context = Context({"key": "test-live-rows", cache._VOLATILE: outer})
    context["live"] = Live(context)
    assert template.render(context) == "online"
    assert outer.live and cache.store().get("test-live-rows") is None


# --- every write that feeds a tab changes the next response --------------------------


def warm(client, path, headers=HX) -> str:
    get(client, path, headers)
    return get(client, path, headers)


def test_publish_moves_a_draft(ann, data, committed):
    client = jwt_client(ann)
    assert "A draft" in warm(client, "sessions/draft/")
    assert "A draft" not in warm(client, "sessions/scheduled/")
    draft = Session.objects.get(title="A draft")
    with committed():
        services.publish_session(ann, draft)
    assert "A draft" not in get(client, "sessions/draft/", HX)
    assert "A draft" in get(client, "sessions/scheduled/", HX)


def test_cancel_moves_a_session_to_past(ann, data, committed):
    client = jwt_client(ann)
    assert "Upcoming" in warm(client, "sessions/scheduled/")
    assert "Upcoming" not in warm(client, "sessions/past/")
    with committed():
        services.cancel_session(ann, Session.objects.get(pk=data["upcoming"].pk), "Ill")
    assert "Upcoming" not in get(client, "sessions/scheduled/", HX)
    assert "Upcoming" in get(client, "sessions/past/", HX)


def test_a_booking_changes_the_seats(ann, data, committed):
    client = jwt_client(ann)
    assert "1 / 3" in warm(client, "sessions/scheduled/")
    leo = make_user("leo")
    with committed():
        services.book_session(leo, Session.objects.get(pk=data["upcoming"].pk))
    assert "2 / 3" in get(client, "sessions/scheduled/", HX)


def test_accepting_a_request_changes_requests_sessions_and_the_badge(ann, data, committed):
    client = jwt_client(ann)
    assert "Help with SQL" in warm(client, "requests/")
    page = warm(client, "analytics/", {})
    sent = SessionRequest.objects.get(topic="Help with SQL")
    with committed():
        requests.accept_request(ann, sent, sent.preferred_datetimes[0])
    assert "Help with SQL" not in get(client, "requests/", HX)
    assert "Help with SQL" in get(client, "requests/?filter=answered", HX)
    assert "Help with SQL" in get(client, "sessions/scheduled/", HX)
    assert normalized(get(client, "analytics/", {})) != normalized(page)  # pending badge


def test_a_payout_request_changes_earnings(ann, data, committed):
    client = jwt_client(ann)
    before = warm(client, "earnings/")
    with committed():
        payouts.request_payout(ann, Decimal("30.00"), "key-1")
    after = get(client, "earnings/", HX)
    assert normalized(after) != normalized(before) and "30.00" in after


def test_a_review_changes_analytics(ann, data, lea, committed):
    client = jwt_client(ann)
    other = session(ann, ago(days=4), title="Another")
    booking(other, lea)
    before = warm(client, "analytics/")
    with committed():
        reviews.leave_review(lea, other, 1, "Meh")
    after = get(client, "analytics/", HX)
    assert "Meh" in after and "Meh" not in before


def test_a_new_notification_and_a_read_change_the_notifications_tab(ann, data, committed):
    client = jwt_client(ann)
    assert "Brand new" not in warm(client, "notifications/")
    assert "Brand new" not in warm(client, "requests/", {})
    with committed():
        created = notifications.notify(ann, "system", "Brand new", email=False)
    assert "Brand new" in get(client, "notifications/", HX)
    assert "Brand new" in get(client, "notifications/?filter=unread", HX)
    before = get(client, "notifications/?filter=unread", HX)
    with committed():
        notifications.mark_read(ann, created.pk)
    assert "Brand new" not in get(client, "notifications/?filter=unread", HX)
    assert normalized(before) != normalized(get(client, "notifications/?filter=unread", HX))


def test_a_notification_changes_the_bell_of_every_full_page(ann, data, committed):
    client = jwt_client(ann)
    before = warm(client, "earnings/", {})
    with committed():
        make_notification(ann, "Bell mover")
    assert normalized(get(client, "earnings/", {})) != normalized(before)


def test_a_profile_edit_changes_the_profile_tab_and_the_header(ann, data, committed):
    client = jwt_client(ann)
    assert "Now teaching Rust" not in warm(client, "profile/")
    assert "Annabel" not in warm(client, "analytics/", {})
    with committed():
        profile_services.update_profile(
            ann, {"headline": "Now teaching Rust", "display_name": "Annabel"}
        )
    assert "Now teaching Rust" in get(client, "profile/", HX)
    assert "Annabel" in get(client, "analytics/", {})


def test_a_zone_change_changes_every_tab(ann, data, committed):
    client = jwt_client(ann)
    assert "Tokyo" not in warm(client, "sessions/scheduled/")
    assert "Tokyo" not in warm(client, "requests/")
    with committed():
        profile_services.update_profile(ann, {"timezone": "Asia/Tokyo"})
    clear_local()
    assert "Tokyo" in get(client, "sessions/scheduled/", HX)
    assert "Tokyo" in get(client, "requests/", HX)


def test_a_new_calendar_address_shows_on_the_profile_tab(ann, data, committed):
    client = jwt_client(ann)
    before = warm(client, "profile/")
    with committed():
        token = services.rotate_calendar_token(ann)
    after = get(client, "profile/", HX)
    assert token in after and token not in before


def test_another_mentors_writes_leave_the_stored_tab_alone(ann, data, lea, committed):
    bob = make_user("bob", User.Role.MENTOR)
    client = jwt_client(ann)
    warm(client, "earnings/")
    key = cache.key_for(ann, "x")
    with committed():
        ledger(bob, "20.00")
        make_notification(bob, "For Bob")
        profile_services.update_profile(bob, {"headline": "Bob's"})
        Booking.objects.filter(session__mentor=bob).update(status=Booking.Status.ATTENDED)
    assert cache.key_for(ann, "x") == key
    with CaptureQueriesContext(connection) as queries:  # still served from the store
        get(client, "earnings/", HX)
    assert len(queries) <= 1
