"""The live room end to end: Start lands in the call, the tiles use the screen at
1280×900 and 360×740, and the end shows the mentor a summary and the learner
"Rate this session" (two Chromium contexts with fake camera/mic against Daphne)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sessions_app.models import Session
from tests.e2e.conftest import (
    no_horizontal_overflow,
    open_signed_in,
    screenshot,
    sideways_scrollers,
)
from tests.e2e.test_live import status, wait_connected
from tests.live.builders import book, make_session
from tests.security.browser import axe_violations, describe

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

# Boxes of the call's parts, in CSS pixels, and whether the page itself scrolls.
GEOMETRY = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom}; };
  const tiles = [...document.querySelectorAll('#tiles [data-tile]')].map(t =>
    ({...box(t), layout: t.dataset.layout, mine: t.dataset.mine === '1'}));
  return {
    vw: innerWidth, vh: innerHeight,
    pageScrolls: document.documentElement.scrollHeight > innerHeight + 1,
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
    outside: [...document.querySelectorAll('body *')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1);
      }).slice(0, 6).map(el => `${el.tagName}#${el.id}.${[...el.classList].slice(0, 5).join('.')}`),
    stage: box(document.getElementById('tiles')),
    controls: box(document.getElementById('controls')),
    tiles,
  };
}"""

# layout.js on its own: n fake tiles (the mentor's first) on a w×h stage, seen by this page's user.
LAYOUT = """async ({n, w, h, mentorFirst}) => {
  const { layoutStage } = await import('/static/live/layout.js');
  const stage = document.createElement('div');
  stage.style.cssText = `position:fixed;left:0;top:0;width:${w}px;height:${h}px`;
  for (let i = 0; i < n; i += 1) {
    const tile = document.createElement('figure');
    tile.dataset.tile = '';
    tile.style.position = 'absolute';
    tile.style.margin = '0';
    tile.dataset.role = i === 0 && mentorFirst ? 'mentor' : 'learner';
    if (i === n - 1) tile.dataset.mine = '1';
    stage.append(tile);
  }
  document.body.append(stage);
  layoutStage(stage);
  const out = [...stage.children].map(t => ({
    x: t.offsetLeft, y: t.offsetTop, w: t.offsetWidth, h: t.offsetHeight,
    layout: t.dataset.layout, role: t.dataset.role, mine: t.dataset.mine === '1'}));
  stage.remove();
  return out;
}"""


@pytest.fixture
def soon(mentor, learner):
    session = make_session(mentor, status=Session.Status.SCHEDULED, starts_in_minutes=3)
    book(session, learner)
    return session


def main_tile(geometry) -> dict:
    return max(geometry["tiles"], key=lambda t: t["w"] * t["h"])


def assert_fits_the_screen(geometry):
    vw, vh = geometry["vw"], geometry["vh"]
    assert not geometry["pageScrolls"], ("the call needs no page scroll", geometry)
    assert geometry["controls"]["bottom"] <= vh and geometry["controls"]["right"] <= vw
    for tile in geometry["tiles"]:
        assert tile["x"] >= 0 and tile["right"] <= vw + 0.5, tile
        assert tile["y"] >= 0 and tile["bottom"] <= geometry["controls"]["y"], tile
        assert 4 / 3 - 0.02 <= tile["w"] / tile["h"] <= 16 / 9 + 0.02, tile


def test_start_lands_in_a_full_screen_call_and_the_end_shows_a_summary(
    browser, server_url, mentor, learner, soon
):
    room = f"/live/{soon.pk}/"
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room, viewport=DESKTOP)
    expect(status(lpage)).to_have_text("Waiting for the mentor…")

    # One press of Start Session on the dashboard: the mentor is in the call.
    m_ctx, mpage = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/", viewport=DESKTOP
    )
    mpage.get_by_role("button", name="Start Session").click()
    expect(mpage).to_have_url(f"{server_url}{room}")
    expect(mpage.locator("#call")).to_be_visible()
    expect(mpage.locator("#prejoin")).to_be_hidden()
    mpage.wait_for_function("() => window.__live.state.joined && window.__live.state.socketOpen")
    expect(status(mpage)).to_have_text("Waiting for learners to join…")
    alone = mpage.evaluate(GEOMETRY)
    assert len(alone["tiles"]) == 1 and alone["tiles"][0]["w"] >= 0.5 * alone["vw"]

    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(lpage)
    wait_connected(mpage)

    for page in (mpage, lpage):
        assert_the_other_person_is_large(page.evaluate(GEOMETRY))
    assert not (found := axe_violations(mpage)), describe(found)
    screenshot(mpage, "live-room-desktop-mentor")
    screenshot(lpage, "live-room-desktop-learner")

    # End for everyone: the mentor stays in the room and reads the summary.
    end_for_everyone(mpage)
    expect(mpage).to_have_url(f"{server_url}{room}")
    assert_summary_names(mpage, learner)
    screenshot(mpage, "live-room-summary-desktop")

    # The learner's page turns to "Session ended" with a way to rate it.
    assert_can_rate(lpage, soon)
    screenshot(lpage, "live-room-ended-learner-desktop")
    lpage.get_by_role("link", name="Rate this session").click()
    expect(lpage).to_have_url(f"{server_url}{reverse('session_review', args=[soon.pk])}")
    assert lpage.js_errors == [] and mpage.js_errors == []
    l_ctx.close()
    m_ctx.close()


def assert_the_other_person_is_large(geometry):
    """1280×900: the other person's tile is the large one, the page doesn't scroll."""
    big = main_tile(geometry)
    assert big["layout"] == "main" and not big["mine"]
    assert big["w"] >= 0.5 * geometry["vw"] or big["h"] >= 0.5 * geometry["vh"], big
    pip = next(t for t in geometry["tiles"] if t["mine"])
    assert pip["layout"] == "pip" and pip["w"] < big["w"] / 2
    assert_fits_the_screen(geometry)


def end_for_everyone(mpage):
    mpage.get_by_role("button", name="End session for everyone").click()
    mpage.get_by_role("dialog", name="End the session for everyone?").get_by_role(
        "button", name="End session"
    ).click()


def assert_summary_names(mpage, learner):
    summary = mpage.get_by_role("region", name="Summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Duration")
    expect(summary.locator("[data-summary-duration]")).to_contain_text("min")
    expect(summary.get_by_role("list", name="Who attended")).to_contain_text(learner.display_name)
    expect(summary).to_contain_text("1 of 1 booked")
    assert not (found := axe_violations(mpage)), describe(found)


def assert_can_rate(lpage, session):
    expect(lpage.get_by_role("heading", name="Session ended")).to_be_visible()
    rate = lpage.get_by_role("link", name="Rate this session")
    expect(rate).to_be_visible()
    expect(rate).to_have_attribute("href", reverse("session_review", args=[session.pk]))
    expect(lpage.locator("#ended-panel")).to_be_focused()
    assert not (found := axe_violations(lpage)), describe(found)


def test_start_from_the_room_on_a_phone_goes_straight_into_the_call(
    browser, server_url, mentor, soon
):
    room = f"/live/{soon.pk}/"
    ctx, page = open_signed_in(browser, server_url, mentor, room, viewport=PHONE)
    expect(status(page)).to_have_text("Not started yet")
    page.get_by_role("button", name="Start Session").click()
    expect(page).to_have_url(f"{server_url}{room}")
    expect(page.locator("#call")).to_be_visible()
    page.wait_for_function("() => window.__live.state.joined && window.__live.state.socketOpen")
    expect(status(page)).to_have_text("Waiting for learners to join…")
    geometry = page.evaluate(GEOMETRY)
    assert_fits_the_screen(geometry)
    assert geometry["tiles"][0]["w"] >= 0.9 * geometry["stage"]["w"]
    assert no_horizontal_overflow(page), sideways_scrollers(page)
    screenshot(page, "live-room-started-phone")
    assert page.js_errors == []
    ctx.close()


def test_the_call_fits_a_phone_with_the_controls_on_screen(browser, server_url, mentor, learner):
    session = make_session(mentor)
    book(session, learner)
    room = f"/live/{session.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, room, viewport=PHONE)
    mpage.get_by_role("button", name="Join", exact=True).click()
    l_ctx, lpage = open_signed_in(browser, server_url, learner, room, viewport=PHONE)
    lpage.get_by_role("button", name="Join", exact=True).click()
    wait_connected(lpage)
    wait_connected(mpage)
    for page in (mpage, lpage):
        geometry = page.evaluate(GEOMETRY)
        assert no_horizontal_overflow(page), sideways_scrollers(page)
        assert sideways_scrollers(page) == []
        assert_fits_the_screen(geometry)
        big = main_tile(geometry)
        assert big["w"] >= 0.9 * geometry["stage"]["w"], big
        for button in page.locator("#controls button:visible").all():
            box = button.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44
        assert not (found := axe_violations(page)), describe(found)
    screenshot(mpage, "live-room-phone-mentor")
    screenshot(lpage, "live-room-phone-learner")

    # The summary and the rating link read well on a phone too.
    end_for_everyone(mpage)
    assert_summary_names(mpage, learner)
    assert_can_rate(lpage, session)
    for page in (mpage, lpage):
        assert no_horizontal_overflow(page) and sideways_scrollers(page) == []
    screenshot(mpage, "live-room-summary-phone")
    screenshot(lpage, "live-room-ended-learner-phone")
    m_ctx.close()
    l_ctx.close()


# The stage's size in the call at 1280×900 and at 360×740.
@pytest.mark.parametrize(("w", "h"), [(940, 700), (336, 360)], ids=["desktop", "phone"])
def test_tiles_fill_the_stage_for_one_to_five_people(browser, server_url, mentor, learner, w, h):
    session = make_session(mentor, capacity=4)
    book(session, learner)
    ctx, page = open_signed_in(browser, server_url, learner, f"/live/{session.pk}/")
    expect(page.locator("#mic-select")).to_be_enabled()
    for n in range(1, 6):
        tiles = page.evaluate(LAYOUT, {"n": n, "w": w, "h": h, "mentorFirst": True})
        big = max(tiles, key=lambda t: t["w"] * t["h"])
        for t in tiles:  # inside the stage, 4:3 to 16:9
            assert t["x"] >= 0 and t["y"] >= 0 and t["x"] + t["w"] <= w and t["y"] + t["h"] <= h
            assert 4 / 3 - 0.02 <= t["w"] / t["h"] <= 16 / 9 + 0.02, (n, t)
        if n > 1:  # the mentor is the large tile for a learner
            assert big["role"] == "mentor" and big["layout"] == "main", (n, tiles)
        assert big["w"] >= 0.55 * w or big["h"] >= 0.55 * h, (n, big)
        others = [t for t in tiles if t is not big and t["layout"] != "pip"]
        for a in range(len(others)):  # strip tiles never overlap each other or the main one
            for b in [big, *others[a + 1 :]]:
                t = others[a]
                apart = (
                    t["x"] + t["w"] <= b["x"]
                    or b["x"] + b["w"] <= t["x"]
                    or t["y"] + t["h"] <= b["y"]
                    or b["y"] + b["h"] <= t["y"]
                )
                assert apart, (n, t, b)
    ctx.close()
