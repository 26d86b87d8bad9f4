"""Group sessions through a real Janus (tests/support/janus.py) in three Chromium
contexts with fake camera, microphone and screen, against Daphne."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from live import janus
from live.models import JanusRoom
from tests.e2e.conftest import (
    no_horizontal_overflow,
    open_signed_in,
    screenshot,
    start_server,
    stop_server,
)
from tests.live.builders import book, make_session
from tests.support.wait import wait_until

SLOW = 120000  # 3 browsers, Janus and Daphne share 2 cores with other work

# Remote camera tiles (not the local tile, not screens) showing decoded frames.
CAMERAS_WITH_FRAMES = """(n) => {
  const vids = Array.from(document.querySelectorAll(
    '#tiles [data-tile]:not([data-mine]):not([data-presenting="1"]) video'));
  return vids.length === n && vids.every(v => v.videoWidth > 0 && v.readyState >= 2);
}"""
FRAME_COUNTS = """() => Array.from(document.querySelectorAll('#tiles [data-tile]:not([data-mine]) video'))
  .map(v => v.getVideoPlaybackQuality().totalVideoFrames)"""
FRAMES_ADVANCE = """(before) => {
  const now = Array.from(document.querySelectorAll('#tiles [data-tile]:not([data-mine]) video'))
    .map(v => v.getVideoPlaybackQuality().totalVideoFrames);
  return now.length === before.length && now.every((n, i) => n > before[i]);
}"""
SCREEN_WITH_FRAMES = """() => Array.from(document.querySelectorAll('#tiles [data-tile][data-presenting="1"]:not([data-mine]) video'))
  .some(v => v.videoWidth >= 640 && v.readyState >= 2)"""

# Devices that answer 3 s late (after the page has joined and published).
SLOW_DEVICES = """(() => {
  const md = navigator.mediaDevices;
  const ask = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => new Promise((ok) => setTimeout(ok, 3000)).then(() => ask(c));
})()"""

MENTOR_LARGEST = """() => {
  const tiles = Array.from(document.querySelectorAll('#tiles [data-tile]'));
  const mentor = tiles.find(t => t.dataset.role === 'mentor');
  const width = (t) => t.getBoundingClientRect().width;
  return Boolean(mentor) && tiles.every(t => t === mentor || width(t) < width(mentor));
}"""

SPEAK = """async () => {
  const ctx = new AudioContext();
  await ctx.resume();
  const tone = ctx.createOscillator();
  const gain = ctx.createGain();
  gain.gain.value = 0.9;
  const out = ctx.createMediaStreamDestination();
  tone.connect(gain).connect(out);
  tone.start();
  window.__tone = ctx;
  await window.__sfu.janus.publisher.senders.audio.replaceTrack(out.stream.getAudioTracks()[0]);
}"""

# A raw Janus client in the page: create a session, attach the VideoRoom,
# join `room` as a publisher. Resolves with what Janus said.
RAW_JOIN = """async ([url, room, token, pin]) => {
  const ws = new WebSocket(url, "janus-protocol");
  const pending = new Map();
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.janus === "ack") return;
    const r = pending.get(m.transaction);
    if (r) { pending.delete(m.transaction); r(m); }
  };
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  let n = 0;
  const send = (p) => new Promise((ok) => {
    const t = "t" + (n++);
    pending.set(t, ok);
    const frame = { ...p, transaction: t };
    if (token) frame.token = token;
    ws.send(JSON.stringify(frame));
  });
  const created = await send({ janus: "create" });
  if (created.janus === "error") { ws.close(); return { core: created.error.code }; }
  const session_id = created.data.id;
  const handle = await send({ janus: "attach", plugin: "janus.plugin.videoroom", session_id });
  const body = { request: "join", ptype: "publisher", room, display: "intruder" };
  if (pin) body.token = pin;
  const joined = await send({ janus: "message", session_id, handle_id: handle.data.id, body });
  ws.close();
  return joined.plugindata.data;
}"""


@pytest.fixture(scope="module")
def sfu_server(janus_server, django_db_setup, django_db_blocker):
    server = start_server(
        {"JANUS_URL": janus_server.url, "JANUS_API_SECRET": janus_server.api_secret}
    )
    yield server
    stop_server(server)


@pytest.fixture
def sfu_url(sfu_server, transactional_db):
    return sfu_server.url


def status(page):
    return page.locator("#live-status-text")


def enter(browser, url, user, session):
    context, page = open_signed_in(browser, url, user, f"/live/{session.pk}/")
    expect(page.locator("#call")).to_have_attribute("data-transport", "sfu")
    page.get_by_role("button", name="Join", exact=True).click()
    return context, page


# What a page shows and subscribes to (printed when a wait fails).
DEBUG_TILES = """() => [
  Array.from(document.querySelectorAll('#tiles [data-tile]')).map(t => [t.dataset.peer,
    t.querySelector('video').videoWidth, t.querySelector('video').readyState]),
  Array.from(window.__sfu.feeds.values()).map(s => [s.info.peer, s.info.kind, s.pc && s.pc.connectionState]),
]"""


def receives_cameras(page, n: int):
    try:
        page.wait_for_function(CAMERAS_WITH_FRAMES, arg=n, timeout=SLOW)
    except Exception:
        print("tiles and feeds:", page.evaluate(DEBUG_TILES))
        raise
    before = page.evaluate(FRAME_COUNTS)
    page.wait_for_function(FRAMES_ADVANCE, arg=before, timeout=SLOW)


def room_exists(url: str, secret: str, room: int) -> bool:
    async def ask():
        async with janus.Janus(url, secret) as client:
            return await client.exists(room)

    # Playwright's sync API runs an event loop in this thread: ask from another.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, ask()).result(timeout=30)


def speaks_and_is_ringed(speaker_page, others):
    """Active speaker: the page speaks (a loud tone instead of the fake mic's brief
    beeps); Janus's "talking" events ring its tile on the others' pages."""
    speaker_page.locator("#tiles").click()  # a user gesture: the AudioContext may run
    speaker_page.evaluate(SPEAK)
    speaker = speaker_page.evaluate("window.__live.state.myPeer")
    for page in others:
        expect(page.locator(f'#tiles [data-peer="{speaker}"]')).to_have_attribute(
            "data-speaking", "1", timeout=SLOW
        )


def shares_screen(sharer, mpage, opage):
    """Screen share: a second stream that reaches the others as its own tile."""
    sharer.get_by_role("button", name="Share screen").click()
    expect(sharer.locator("#share-btn")).to_have_attribute("aria-pressed", "true")
    mpage.wait_for_function(SCREEN_WITH_FRAMES, timeout=SLOW)
    opage.wait_for_function(SCREEN_WITH_FRAMES, timeout=SLOW)
    receives_cameras(mpage, 2)  # the camera keeps flowing next to the screen
    screenshot(mpage, "sfu-call-mentor")
    sharer.get_by_role("button", name="Stop sharing").click()
    expect(mpage.locator('#tiles [data-presenting="1"]')).to_have_count(0, timeout=SLOW)


def test_a_group_call_through_janus(browser, sfu_url, janus_server, mentor, learner, other_learner):
    session = make_session(mentor, capacity=10, title="Django workshop")
    book(session, learner)
    book(session, other_learner)
    m_ctx, mpage = enter(browser, sfu_url, mentor, session)
    l_ctx, lpage = enter(browser, sfu_url, learner, session)
    o_ctx, opage = enter(browser, sfu_url, other_learner, session)

    # Everyone receives the two others' video, with frames flowing.
    for page in (mpage, lpage, opage):
        receives_cameras(page, 2)
    expect(status(mpage)).to_have_text("Connected", timeout=SLOW)
    expect(
        mpage.locator("#participants [data-user-id]").filter(has_text=other_learner.display_name)
    ).to_contain_text("In the room")
    # The mentor's tile is the large one for the learners (same layout as the mesh).
    assert lpage.evaluate(MENTOR_LARGEST)
    speaks_and_is_ringed(lpage, (mpage, opage))
    row = JanusRoom.objects.get(session=session)
    assert room_exists(janus_server.url, janus_server.api_secret, row.room_id)

    shares_screen(lpage, mpage, opage)

    # The learner's signaling socket drops: it rejoins, the Janus media never stopped.
    janus_before = lpage.evaluate("window.__sfu.janus.id")
    lpage.evaluate("window.__live.signal.drop()")
    lpage.wait_for_function(
        "() => window.__live.state.socketOpen && window.__live.state.joined", timeout=SLOW
    )
    assert lpage.evaluate("window.__sfu.janus.id") == janus_before
    receives_cameras(lpage, 2)

    # A learner reloads: the page rejoins by itself, everyone sees it again, no ghost.
    # Its camera answers only after it is back in the Janus room (slow devices, or
    # a busy machine): the tracks that arrive late must still reach the others.
    opage.add_init_script(SLOW_DEVICES)
    opage.reload()
    receives_cameras(opage, 2)
    receives_cameras(mpage, 2)
    receives_cameras(lpage, 2)
    expect(mpage.locator("#tiles [data-tile]:not([data-mine])")).to_have_count(2)

    # "End session for everyone" destroys the Janus room.
    mpage.get_by_role("button", name="End session for everyone").click()
    mpage.locator("#end-confirm").click()
    expect(lpage.locator("#ended-panel")).to_be_visible(timeout=SLOW)
    wait_until(
        lambda: not room_exists(janus_server.url, janus_server.api_secret, row.room_id),
        timeout=20,
        what="the Janus room is destroyed",
    )
    for page in (mpage, lpage, opage):
        assert page.js_errors == [], page.js_errors
    for context in (m_ctx, l_ctx, o_ctx):
        context.close()


def test_the_transport_is_chosen_by_capacity(browser, sfu_url, mentor, learner, settings):
    small = make_session(mentor, capacity=settings.LIVE_MESH_LIMIT)
    group = make_session(mentor, capacity=settings.LIVE_MESH_LIMIT + 1)
    context, page = open_signed_in(browser, sfu_url, mentor, f"/live/{small.pk}/")
    expect(page.locator("#call")).to_have_attribute("data-transport", "mesh")
    page.goto(f"{sfu_url}/live/{group.pk}/")
    expect(page.locator("#call")).to_have_attribute("data-transport", "sfu")
    context.close()


def test_a_non_member_cannot_join_the_janus_room(
    browser, sfu_url, janus_server, mentor, learner, other_learner
):
    session = make_session(mentor, capacity=8)
    book(session, learner)
    m_ctx, mpage = enter(browser, sfu_url, mentor, session)
    mpage.wait_for_function("() => window.__sfu.ticket && window.__sfu.janus", timeout=SLOW)
    room = JanusRoom.objects.get(session=session).room_id
    # The outsider can't open the room page, so gets no ticket…
    o_ctx, opage = open_signed_in(browser, sfu_url, other_learner, f"/live/{session.pk}/")
    assert opage.locator("#call").count() == 0
    # …and knowing the room id is not enough: without a token Janus refuses the
    # session; with a valid Janus token (say, leaked) the room refuses the join.
    assert opage.evaluate(RAW_JOIN, [janus_server.url, room, None, None]) == {"core": 403}
    token = janus.sign_token(janus_server.api_secret, 60)
    refused = opage.evaluate(RAW_JOIN, [janus_server.url, room, token, "guess"])
    assert refused["error_code"] == 433, refused
    # The member's own ticket does open it (the test joins a second time with it).
    ticket = mpage.evaluate("window.__sfu.ticket")
    assert (
        mpage.evaluate(RAW_JOIN, [ticket["url"], room, ticket["token"], ticket["pin"]])["videoroom"]
        == "joined"
    )
    m_ctx.close()
    o_ctx.close()


def test_the_group_call_fits_a_phone_with_the_csp_enforced(browser, sfu_url, mentor, learner):
    """The app's own CSP lets the page reach Janus (no bypass here)."""
    session = make_session(mentor, capacity=10)
    book(session, learner)
    m_ctx, mpage = enter(browser, sfu_url, mentor, session)
    l_ctx, lpage = open_signed_in(
        browser,
        sfu_url,
        learner,
        f"/live/{session.pk}/",
        viewport={"width": 360, "height": 740},
        bypass_csp=False,
    )
    lpage.get_by_role("button", name="Join", exact=True).click()
    # wait_for_function needs eval, which the CSP forbids: poll with evaluate.
    wait_until(lambda: lpage.evaluate(CAMERAS_WITH_FRAMES, 1), timeout=SLOW / 1000, what="video")
    assert no_horizontal_overflow(lpage)
    expect(lpage.get_by_role("button", name="Leave")).to_be_in_viewport()
    screenshot(lpage, "sfu-call-phone")
    assert lpage.js_errors == []
    m_ctx.close()
    l_ctx.close()
