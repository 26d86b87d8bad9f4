"""The one client socket module (static/js/socket.js) under the notifications
client and the live room: backoff with full jitter, a server-side close with
4001 (refresh, then reconnect) and a server restart (reconnect, rejoin,
renegotiate over the new socket)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import open_signed_in, sign_in, start_server, stop_server
from tests.e2e.test_live import status, wait_connected
from tests.e2e.test_notifications import DASHBOARD, open_dashboard
from tests.live.builders import book, make_session

BACKOFF = """async () => {
  const { backoffDelay } = await import('/static/js/socket.js');
  const draw = (attempt) => Array.from({ length: 400 }, () => backoffDelay(attempt));
  const third = draw(3), late = draw(30);
  return { thirdMin: Math.min(...third), thirdMax: Math.max(...third), lateMax: Math.max(...late) };
}"""

# Every state the notifications client shows, from the first one on.
RECORD_STATES = """
window.__states = [];
new MutationObserver((changes) => {
  for (const c of changes) window.__states.push(c.target.dataset.realtimeState);
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-realtime-state'] });
"""
REFRESHED = "() => window.__states.includes('refreshing') && window.__states.at(-1) === 'open'"

ICE_UFRAG = """(which) => {
  const pc = Object.values(window.__live.pcs)[0];
  const sdp = pc && pc[which] && pc[which].sdp;
  const match = sdp && sdp.match(/a=ice-ufrag:(\\S+)/);
  return match ? match[1] : null;
}"""


def test_reconnect_delays_use_full_jitter_under_a_cap(server_url, browser):
    page = browser.new_page()
    page.goto(f"{server_url}/login/")
    delays = page.evaluate(BACKOFF)
    # Full jitter: anywhere from 0 up to 500 ms · 2^attempt, never past 30 s.
    assert 0 <= delays["thirdMin"] < 1000 and delays["thirdMax"] < 4000
    assert 15000 < delays["lateMax"] < 30000
    page.close()


def test_the_server_closing_an_expired_socket_is_a_quiet_refresh_and_reconnect(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context = browser.new_context()
    sign_in(context, server_url, mentor)
    # An access token about to expire: the server closes the socket with 4001
    # at the first heartbeat after that (2 s in e2e).
    access = AccessToken.for_user(mentor)
    access.set_exp(lifetime=timedelta(seconds=4))
    host = server_url.split("//", 1)[1].split(":")[0]
    cookie = {"name": settings.JWT_ACCESS_COOKIE, "value": str(access), "domain": host}
    context.add_cookies([{**cookie, "path": "/", "httpOnly": True, "sameSite": "Lax"}])
    context.add_init_script(RECORD_STATES)
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(server_url + DASHBOARD)
    page.wait_for_function(REFRESHED, timeout=20000)
    assert [s.url.endswith("/ws/notifications/") for s in sockets] == [True, True]
    assert "reconnecting" not in page.evaluate("window.__states")
    fresh = next(c for c in context.cookies() if c["name"] == settings.JWT_ACCESS_COOKIE)
    assert fresh["value"] != str(access)
    assert "/login/" not in page.url
    context.close()


@pytest.fixture
def own_server(transactional_db):
    """A Daphne of this test's own, so it can be stopped and started again."""
    server = start_server()
    yield server
    stop_server(server)


def test_after_a_server_restart_both_sockets_come_back_and_the_call_renegotiates(
    own_server, browser
):
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    session = make_session(mentor)
    book(session, learner)
    base, room = own_server.url, f"/live/{session.pk}/"
    d_ctx, dashboard = open_dashboard(browser, base, mentor)
    m_ctx, mpage = open_signed_in(browser, base, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, base, learner, room)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(mpage)
    wait_connected(lpage)
    mpage.evaluate("window.__first = Object.values(window.__live.pcs)[0]")

    stop_server(own_server)
    expect(dashboard.get_by_role("status").filter(has_text="Reconnecting…")).to_be_visible()
    expect(status(lpage)).to_have_text(re.compile("Reconnecting…|Connection lost — retrying"))
    own_server.proc = start_server(port=own_server.port).proc  # the fixture stops it

    shell = dashboard.locator("#shell")
    expect(shell).to_have_attribute("data-realtime-state", "open", timeout=40000)
    expect(dashboard.get_by_text("Reconnecting…")).to_be_hidden()
    for page in (mpage, lpage):
        page.wait_for_function(
            "() => window.__live.state.socketOpen && window.__live.state.joined", timeout=40000
        )
        expect(status(page)).to_have_text("Connected")
    assert mpage.evaluate("Object.values(window.__live.pcs)[0] === window.__first")

    # An ICE restart needs a new offer/answer: it can only complete through
    # the reconnected signaling sockets.
    before = lpage.evaluate(ICE_UFRAG, "remoteDescription")
    mpage.evaluate("Object.values(window.__live.pcs)[0].restartIce()")
    lpage.wait_for_function(
        f"() => ({ICE_UFRAG})('remoteDescription') !== {before!r}", timeout=20000
    )
    mpage.wait_for_function(
        """() => { const pc = Object.values(window.__live.pcs)[0];
            return pc.signalingState === 'stable' && pc.connectionState === 'connected'; }""",
        timeout=20000,
    )
    assert mpage.evaluate(ICE_UFRAG, "localDescription") != before
    expect(status(mpage)).to_have_text("Connected")
    expect(status(lpage)).to_have_text("Connected")
    for context in (d_ctx, m_ctx, l_ctx):
        context.close()
