"""Live room in two real Chromium contexts (fake camera/mic/screen) against Daphne."""

import pytest
from playwright.sync_api import expect

from sessions_app.models import Booking, Session
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot, sign_in
from tests.live.builders import book, make_session

CONNECTED = "() => Object.values(window.__live.pcs).some(pc => pc.connectionState === 'connected')"
REMOTE_FRAMES = """() => Array.from(document.querySelectorAll('#tiles [data-tile]:not([data-mine]) video'))
    .some(v => v.videoWidth > 0 && v.readyState >= 2)"""
SENT_VIDEO = """() => {
  const pc = Object.values(window.__live.pcs)[0];
  const sender = pc.getSenders().find(s => s.track && s.track.kind === 'video');
  return sender ? sender.track.id : null;
}"""


def status(page):
    return page.locator("#live-status-text")


def wait_connected(page):
    page.wait_for_function(CONNECTED, timeout=20000)
    page.wait_for_function(REMOTE_FRAMES, timeout=20000)
    expect(status(page)).to_have_text("Connected")


@pytest.fixture
def live_session(mentor, learner):
    session = make_session(mentor)
    book(session, learner)
    return session


@pytest.fixture
def scheduled(mentor, learner):
    session = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=3)
    book(session, learner)
    return session


def test_mentor_starts_learner_joins_and_they_hold_a_call(
    browser, server_url, mentor, learner, scheduled
):
    room = f"/live/{scheduled.pk}/"
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room)
    expect(status(lpage)).to_have_text("Waiting for the mentor…")
    expect(lpage.get_by_role("button", name="Join")).to_be_disabled()
    screenshot(lpage, "live-waiting")

    # The mentor starts from the dashboard's Scheduled row and lands in the call.
    m_ctx, mpage = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/"
    )
    mpage.get_by_role("button", name="Start Session").click()
    expect(mpage).to_have_url(f"{server_url}{room}")
    expect(mpage.locator("#call")).to_be_visible()
    expect(status(mpage)).to_have_text("Waiting for learners to join…")

    # The learner's waiting screen turns live without a reload.
    join = lpage.get_by_role("button", name="Join", exact=True)
    expect(join).to_be_enabled()
    expect(status(lpage)).to_have_text("Ready to join")
    join.click()
    wait_connected(lpage)
    wait_connected(mpage)
    expect(
        mpage.locator("#participants [data-user-id]").filter(has_text=learner.display_name)
    ).to_contain_text("In the room")
    screenshot(mpage, "live-call-mentor")

    # Mute toggles the audio track that is sent.
    assert lpage.evaluate("window.__live.audioTrack.enabled") is True
    lpage.get_by_role("button", name="Mute").click()
    expect(lpage.locator("#mute-btn")).to_have_attribute("aria-pressed", "true")
    assert lpage.evaluate("window.__live.audioTrack.enabled") is False
    lpage.get_by_role("button", name="Unmute").click()
    assert lpage.evaluate("window.__live.audioTrack.enabled") is True

    # Camera off is shown to the other side.
    lpage.get_by_role("button", name="Stop video").click()
    assert lpage.evaluate("window.__live.local.camera.enabled") is False
    expect(mpage.locator("#tiles [data-tile]:not([data-mine]) [data-tile-off]")).to_be_visible()
    lpage.get_by_role("button", name="Start video").click()

    # The learner leaves: the mentor's status says so.
    lpage.get_by_role("button", name="Leave").click()
    expect(status(mpage)).to_have_text(f"{learner.display_name} left")
    expect(mpage.locator("#tiles [data-tile]:not([data-mine])")).to_have_count(0)
    expect(lpage.get_by_role("button", name="Rejoin")).to_be_visible()
    assert lpage.js_errors == [] and mpage.js_errors == []
    l_ctx.close()
    m_ctx.close()


def test_a_reloaded_page_reconnects_the_call_by_itself(
    browser, server_url, mentor, learner, live_session
):
    room = f"/live/{live_session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(lpage)
    wait_connected(mpage)
    first_pc = mpage.evaluate("Object.keys(window.__live.pcs)[0]")

    lpage.reload()
    wait_connected(lpage)  # no click: the page rejoins on its own
    wait_connected(mpage)
    assert mpage.evaluate("Object.keys(window.__live.pcs)") != [first_pc]
    assert mpage.evaluate("Object.keys(window.__live.pcs).length") == 1  # no ghost of the old page
    expect(mpage.locator("#tiles [data-tile]:not([data-mine])")).to_have_count(1)
    m_ctx.close()
    l_ctx.close()


def test_a_dropped_signaling_socket_rejoins_and_keeps_the_media(
    browser, server_url, mentor, learner, live_session
):
    room = f"/live/{live_session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(mpage)
    wait_connected(lpage)
    mpage.evaluate("window.__first = Object.values(window.__live.pcs)[0]")

    # The learner's socket drops (network blip): it reconnects and rejoins by
    # itself; the peer-to-peer media was never interrupted.
    lpage.evaluate("window.__live.signal.drop()")
    lpage.wait_for_function("() => window.__live.state.socketOpen && window.__live.state.joined")
    expect(status(lpage)).to_have_text("Connected")
    expect(status(mpage)).to_have_text("Connected")
    assert mpage.evaluate("Object.values(window.__live.pcs)[0] === window.__first")
    expect(
        mpage.locator("#participants [data-user-id]").filter(has_text=learner.display_name)
    ).to_contain_text("In the room")
    live_session.refresh_from_db()
    open_rows = live_session.presences.filter(left_at__isnull=True)
    assert sorted(open_rows.values_list("user_id", flat=True)) == sorted([mentor.pk, learner.pk])
    m_ctx.close()
    l_ctx.close()


def test_screen_sharing_replaces_the_video_track_and_stopping_restores_the_camera(
    browser, server_url, mentor, learner, live_session
):
    room = f"/live/{live_session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(mpage)
    wait_connected(lpage)

    camera = mpage.evaluate("window.__live.local.camera.id")
    assert mpage.evaluate(SENT_VIDEO) == camera
    mpage.get_by_role("button", name="Share screen").click()
    expect(mpage.locator("#share-btn")).to_have_attribute("aria-pressed", "true")
    screen = mpage.evaluate("window.__live.local.screen.id")
    assert screen != camera
    assert mpage.evaluate(SENT_VIDEO) == screen
    expect(lpage.locator("#tiles [data-tile]:not([data-mine]) [data-tile-note]")).to_have_text(
        "· presenting"
    )
    # No renegotiation was needed: the learner keeps receiving frames.
    lpage.wait_for_function(REMOTE_FRAMES)

    mpage.get_by_role("button", name="Stop sharing").click()
    expect(mpage.locator("#share-btn")).to_have_attribute("aria-pressed", "false")
    assert mpage.evaluate(SENT_VIDEO) == camera
    assert mpage.evaluate("window.__live.local.screen") is None
    m_ctx.close()
    l_ctx.close()


def test_the_mentor_ends_the_session_for_everyone(
    browser, server_url, mentor, learner, live_session
):
    room = f"/live/{live_session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(mpage)

    mpage.get_by_role("button", name="End session for everyone").click()
    dialog = mpage.get_by_role("dialog", name="End the session for everyone?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep going").click()
    expect(dialog).to_be_hidden()
    expect(status(mpage)).to_have_text("Connected")

    mpage.get_by_role("button", name="End session for everyone").click()
    dialog.get_by_role("button", name="End session").click()
    # The mentor stays in the room and reads the summary there (test_live_room_layout.py).
    expect(mpage).to_have_url(f"{server_url}{room}")
    expect(mpage.get_by_role("region", name="Summary")).to_be_visible()
    expect(status(lpage)).to_have_text("Session ended")
    expect(lpage.get_by_role("heading", name="Session ended")).to_be_visible()
    assert lpage.evaluate("Object.keys(window.__live.pcs).length") == 0
    live_session.refresh_from_db()
    assert live_session.status == Session.Status.COMPLETED
    assert Booking.objects.get(session=live_session, learner=learner).status == "attended"
    m_ctx.close()
    l_ctx.close()


def test_strangers_cannot_enter(browser, server_url, other_learner, live_session):
    ctx, page = open_signed_in(browser, server_url, other_learner, f"/live/{live_session.pk}/")
    expect(page.get_by_role("heading", name="You can't open this page")).to_be_visible()
    assert page.evaluate("typeof window.__live") == "undefined"
    ctx.close()


def test_blocked_camera_is_explained_and_audio_only_join_works(
    browser, server_url, mentor, learner, live_session
):
    room = f"/live/{live_session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room)
    mpage.get_by_role("button", name="Join", exact=True).click()
    context = browser.new_context()
    sign_in(context, server_url, learner)
    # The browser refuses the camera (as when the user blocked it) but allows the mic.
    context.add_init_script(
        """(() => {
          const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
          navigator.mediaDevices.getUserMedia = (c) => c && c.video
            ? Promise.reject(new DOMException('denied', 'NotAllowedError'))
            : real(c);
        })();"""
    )
    page = context.new_page()
    page.goto(f"{server_url}{room}")
    alert = page.locator("#media-problem")
    expect(alert).to_contain_text("Your camera is blocked")
    expect(alert).to_contain_text("address bar")
    join = page.get_by_role("button", name="Join with audio only")
    join.click()
    page.wait_for_function(CONNECTED, timeout=20000)
    mpage.wait_for_function(CONNECTED, timeout=20000)
    expect(page.locator("#camera-btn")).to_be_disabled()
    expect(mpage.locator("#tiles [data-tile]:not([data-mine]) [data-tile-off]")).to_be_visible()
    context.close()
    m_ctx.close()


def test_room_works_on_a_phone_and_with_csp_enforced(
    browser, server_url, mentor, learner, live_session
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=False)
    sign_in(context, server_url, learner)
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{server_url}/live/{live_session.pk}/")
    expect(page.locator("#mic-select")).to_be_enabled()
    assert no_horizontal_overflow(page)
    screenshot(page, "live-prejoin-phone")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#call")).to_be_visible()
    expect(page.get_by_role("toolbar", name="Call controls")).to_be_visible()
    assert no_horizontal_overflow(page)
    expect(status(page)).to_have_text("Waiting for the mentor…")
    screenshot(page, "live-phone")
    assert errors == []
    context.close()
