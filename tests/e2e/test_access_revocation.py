"""Losing access closes open sockets at once (issue 16, points 3 and 4), in real browsers."""

import re

import pytest
from playwright.sync_api import expect

from sessions_app.models import Booking
from tests.e2e.conftest import open_signed_in, sign_in
from tests.e2e.test_live import status, wait_connected
from tests.live.builders import book, make_session


@pytest.fixture
def live_session(mentor, learner):
    session = make_session(mentor)
    book(session, learner)
    return session


def test_an_operator_cancelling_the_booking_removes_the_learner_from_the_call(
    browser,
    server_url,
    mentor,
    learner,
    staff,
    live_session,  # noqa: F811
):
    room = f"/live/{live_session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(lpage)
    wait_connected(mpage)

    # An operator cancels the booking in the admin (served by the same server).
    booking = Booking.objects.get(session=live_session, learner=learner)
    s_ctx = browser.new_context()
    sign_in(s_ctx, server_url, staff)
    admin = s_ctx.new_page()
    admin.goto(f"{server_url}/admin/sessions_app/booking/{booking.pk}/change/")
    admin.get_by_label("Status").select_option("cancelled")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("was changed successfully")).to_be_visible()

    # The learner's signaling socket is closed for good and the call is over for them …
    expect(
        lpage.get_by_role("heading", name="You no longer have access to this call")
    ).to_be_visible()
    expect(status(lpage)).to_have_text("No access")
    assert lpage.evaluate("window.__live.signal.closedForGood") is True
    # … and the mentor sees them leave at once (not a signaling blip with a grace period).
    expect(status(mpage)).to_have_text(f"{learner.display_name} left")
    expect(mpage.locator("#tiles [data-tile]:not([data-mine])")).to_have_count(0)
    live_session.refresh_from_db()
    assert not live_session.presences.filter(user=learner, left_at__isnull=True).exists()
    for context in (s_ctx, l_ctx, m_ctx):
        context.close()


def test_signing_out_in_one_tab_closes_the_other_tabs_notification_socket(
    browser, server_url, learner
):
    context = browser.new_context()
    sign_in(context, server_url, learner)
    first = context.new_page()
    first.goto(f"{server_url}/")
    other = context.new_page()
    with other.expect_websocket(lambda ws: ws.url.endswith("/ws/notifications/")) as info:
        other.goto(f"{server_url}/")
    socket = info.value
    other.wait_for_function("() => window.MentorHubRealtime.state() === 'open'")

    with socket.expect_event("close", timeout=5000):
        first.get_by_role("button", name="Sign out").click()
    expect(first).to_have_url(re.compile(r"/login/"))
    # The other tab's client learns it is signed out and goes to the sign-in page
    # (no reconnect loop).
    expect(other).to_have_url(re.compile(r"/login/\?next="))
    context.close()
