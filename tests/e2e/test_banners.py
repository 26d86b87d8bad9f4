"""Banners that tell the truth (issue #18, point 4), in a real browser.

A session banner counts in the page ("starts in 3 min" → "starts in 2 min",
"is live now" → "started 2 min ago") and leaves without a reload when the
session starts (the mentor's), ends or is cancelled (both sides'); a page
that missed the push loses it when its socket reconnects. At 360×740 it stays
one line of text plus its button. Browser clocks are Playwright's
(`page.clock`), so a minute passes at once.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from sessions_app import services
from sessions_app.models import Session
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, screenshot, sign_in
from tests.sessions_app.builders import make_booking, make_session

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
DASHBOARD = "/mentor/dashboard/sessions/scheduled/"
TITLE = "Intro to System Design for Early-Career Engineers"


def _soon(seconds: int) -> tuple[User, User, Session]:
    """A mentor, a booked learner and a session starting in `seconds`, reminded."""
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    session = make_session(
        mentor, title=TITLE, starts_at=timezone.now() + timedelta(seconds=seconds)
    )
    make_booking(session, learner)
    assert services.send_session_reminders() == 1
    return mentor, learner, session


def _open(browser, server_url, user, path, viewport):
    """A signed-in page with a controllable clock and an open socket."""
    context = browser.new_context(
        viewport=viewport, has_touch=viewport["width"] < 600, bypass_csp=True
    )
    sign_in(context, server_url, user)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.clock.install()  # runs in real time until fast-forwarded
    page.goto(server_url + path)
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
    page.evaluate("window.__noReload = true")
    return context, page


def _banner(page, session):
    return page.locator("#banners [data-banner]").filter(
        has=page.locator(f'a[href="/live/{session.pk}/"]')
    )


def _words(page, session):
    return _banner(page, session).locator("[data-countdown]")


def _post(page, url: str, **kwargs):
    """A POST from the page's own cookies (served by the test server, so its
    pushes reach the pages' sockets)."""
    token = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    response = page.request.post(url, headers={"X-CSRFToken": token}, max_redirects=0, **kwargs)
    assert response.status < 400, (response.status, response.text()[:300])


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__noReload === true")


def _one_line(page, banner, viewport):
    """Point 1 still holds: on a phone, one line of text plus its button."""
    box = banner.bounding_box()
    assert box["height"] <= 120, box
    if viewport is PHONE:
        text = banner.locator("[data-banner-text]").bounding_box()
        assert text["width"] >= 0.6 * PHONE["width"], text
        assert banner.locator("[data-banner-text] p").bounding_box()["height"] <= 32
        words = banner.locator("[data-countdown]").bounding_box()
        assert words["x"] + words["width"] <= PHONE["width"]  # the count is never cut off
    assert no_horizontal_overflow(page)


@pytest.mark.parametrize("viewport", SIZES)
def test_banners_count_down_and_leave_when_the_session_starts_and_ends(
    server_url, browser, viewport
):
    mentor, learner, session = _soon(150)
    name = "phone" if viewport is PHONE else "desktop"
    mentor_ctx, mentor_page = _open(browser, server_url, mentor, DASHBOARD, viewport)
    learner_ctx, learner_page = _open(browser, server_url, learner, "/", viewport)

    mine = _banner(mentor_page, session)
    expect(mine).to_contain_text("‘" + TITLE[:12])
    expect(_words(mentor_page, session)).to_have_text(re.compile(r"^starts in [23] min$"))
    expect(mine.get_by_role("link", name="Start Session")).to_be_visible()
    before = _words(mentor_page, session).inner_text()
    _one_line(mentor_page, mine, viewport)
    screenshot(mentor_page, f"banners-{name}-mentor-starts-in")
    mentor_page.clock.fast_forward(60_000)
    expect(_words(mentor_page, session)).not_to_have_text(before)
    expect(_words(mentor_page, session)).to_have_text(re.compile(r"^starts in [12] min$"))
    mentor_page.clock.fast_forward("02:30")
    expect(_words(mentor_page, session)).to_have_text(
        re.compile(r"^(is starting now|was due 1 min ago)$")
    )
    expect(_words(learner_page, session)).to_have_text(re.compile(r"^starts in [23] min$"))
    screenshot(learner_page, f"banners-{name}-learner-starts-in")

    # The mentor starts: their banner goes (they are in it), the learner's
    # turns into "is live — Join now", which counts from the start.
    _post(mentor_page, server_url + reverse("live_start", args=[session.pk]))
    expect(mine).to_have_count(0)
    live = _banner(learner_page, session)
    expect(live).to_have_count(1)
    expect(live.get_by_role("link", name="Join now")).to_be_visible()
    expect(_words(learner_page, session)).to_have_text("is live now")
    learner_page.clock.fast_forward("02:05")
    expect(_words(learner_page, session)).to_have_text(re.compile(r"^started 2 min ago$"))
    _one_line(learner_page, live, viewport)
    screenshot(learner_page, f"banners-{name}-learner-live")

    # The mentor ends it: the learner's "Join now" leaves without a reload.
    _post(mentor_page, server_url + reverse("live_end", args=[session.pk]))
    expect(live).to_have_count(0)
    assert _not_reloaded(learner_page) and _not_reloaded(mentor_page)
    assert learner_page.js_errors == [] and mentor_page.js_errors == []
    learner_page.reload()
    expect(_banner(learner_page, session)).to_have_count(0)
    mentor_ctx.close()
    learner_ctx.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_banners_leave_both_sides_when_the_session_is_cancelled(server_url, browser, viewport):
    mentor, learner, session = _soon(240)
    mentor_ctx, mentor_page = _open(browser, server_url, mentor, DASHBOARD, viewport)
    learner_ctx, learner_page = _open(browser, server_url, learner, "/", viewport)
    expect(_banner(mentor_page, session)).to_have_count(1)
    expect(_banner(learner_page, session)).to_have_count(1)
    _post(
        mentor_page,
        server_url + reverse("api-sessions-cancel", args=[session.pk]),
        data={"reason": "Ill today"},
    )
    expect(_banner(mentor_page, session)).to_have_count(0)
    expect(_banner(learner_page, session)).to_have_count(0)
    assert _not_reloaded(mentor_page) and _not_reloaded(learner_page)
    name = "phone" if viewport is PHONE else "desktop"
    screenshot(learner_page, f"banners-{name}-learner-after-cancel")
    mentor_ctx.close()
    learner_ctx.close()


def test_a_page_that_missed_the_end_drops_the_banner_when_it_reconnects(server_url, browser):
    mentor, learner, session = _soon(120)
    services.start_session(mentor, session)
    learner_ctx, page = _open(browser, server_url, learner, "/", DESKTOP)
    live = _banner(page, session)
    expect(live).to_contain_text("is live now")
    # Ended by another process (this test): its push can't reach the page's
    # server, and a learner who never joined gets no new row to catch up on.
    session.refresh_from_db()
    services.end_session(mentor, session)
    page.wait_for_timeout(3000)  # more than a heartbeat: still shown
    expect(live).to_have_count(1)
    page.evaluate("window.MentorHubRealtime.drop()")
    expect(live).to_have_count(0)  # the hello re-sent the banner list
    assert _not_reloaded(page)
    learner_ctx.close()
