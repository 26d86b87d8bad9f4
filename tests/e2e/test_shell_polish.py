"""Issue #18 point 15 in a real browser, at 1280×900 and 360×740: the "connection
lost" box (balanced padding, Retry reconnects at once), primary buttons whose label
sits in the centre (also while their spinner turns), and one navigation bar with the
same widths for learners and mentors."""

import json
import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import (
    no_horizontal_overflow,
    open_signed_in,
    screenshot,
    sideways_scrollers,
)
from tests.earnings.builders import entry
from tests.notifications.builders import make_notification
from tests.security.browser import axe_violations, describe

SIZES = [(1280, 900), (360, 740)]
DASHBOARD = "/mentor/dashboard/sessions/scheduled/"
SOCKET = re.compile(r"/ws/notifications/")

LABEL_OFFSET = """button => {
  const b = button.getBoundingClientRect();
  const l = button.querySelector('[data-button-label]').getBoundingClientRect();
  return {dx: (l.left + l.width / 2) - (b.left + b.width / 2),
          dy: (l.top + l.height / 2) - (b.top + b.height / 2), left: l.left, top: l.top};
}"""


def _open(browser, server_url, user, path, size):
    width, height = size
    return open_signed_in(
        browser, server_url, user, path, viewport={"width": width, "height": height}
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_the_connection_lost_box_is_balanced_and_retry_reconnects_at_once(
    server_url, browser, size
):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = _open(browser, server_url, mentor, DASHBOARD, size)
    shell = page.locator("#shell")
    expect(shell).to_have_attribute("data-realtime-state", "open")
    # While `down`, new sockets reach no server: they "open" and every frame gets an
    # answer that is not "ready", so the client neither times out nor recovers alone.
    down = {"on": True, "connects": 0}

    def route(ws):
        if down["on"]:
            ws.on_message(lambda _frame: ws.send(json.dumps({"type": "noop"})))
        else:
            down["connects"] += 1
            ws.connect_to_server()

    page.route_web_socket(SOCKET, route)
    page.evaluate("window.MentorHubRealtime.drop()")

    box = page.get_by_role("status").filter(has_text="Connection lost")
    expect(box).to_be_visible()
    expect(shell).to_have_attribute("data-realtime-state", "reconnecting")
    padding = box.evaluate(
        "el => { const s = getComputedStyle(el); return [s.paddingLeft, s.paddingRight, s.paddingTop, s.paddingBottom]; }"
    )
    assert padding[0] == padding[1] and padding[2] == padding[3], padding
    assert box.get_attribute("aria-live") == "polite"
    geometry = box.evaluate(
        """el => { const b = el.getBoundingClientRect(), r = el.querySelector('button').getBoundingClientRect();
                   return {left: b.left, right: innerWidth - b.right, bottom: innerHeight - b.bottom, retryHeight: r.height,
                           retryRightGap: b.right - r.right}; }"""
    )
    assert geometry["right"] >= 0 and geometry["left"] == 16, geometry  # inside the screen
    assert geometry["bottom"] == 16, geometry  # at the foot of the screen, not in the header
    assert geometry["retryHeight"] >= 44, geometry  # a touch target
    # Retry sits on the right padding as the spinner sits on the left one.
    assert geometry["retryRightGap"] == float(padding[1].removesuffix("px")), (geometry, padding)
    screenshot(page, f"offline-box-{size[0]}")
    violations = axe_violations(page)  # the box itself: contrast, button name, live region
    assert violations == [], describe(violations)

    down["on"] = False
    retry = box.get_by_role("button", name="Retry")
    with page.expect_request(
        lambda r: r.headers.get("hx-request") == "true" and r.url.endswith(DASHBOARD)
    ):
        retry.click()  # …and the tab panel is reloaded once the socket is back
    expect(box).to_be_hidden(timeout=3000)
    expect(shell).to_have_attribute("data-realtime-state", "open")
    assert down["connects"] >= 1  # through Retry: a "down" socket never recovers by itself
    assert page.evaluate("document.activeElement.id") == "main"  # focus not lost on <body>
    make_notification(mentor, "Back online")
    expect(page.locator("#toasts [data-toast]")).to_contain_text("Back online")
    assert page.js_errors == []
    context.close()


def _label_stays_centred(button) -> None:
    expect(button).to_be_visible()
    at_rest = button.evaluate(LABEL_OFFSET)
    assert abs(at_rest["dx"]) <= 2 and abs(at_rest["dy"]) <= 2, at_rest
    # While the request runs htmx marks the spinner: the label must not move.
    button.evaluate("b => b.querySelector('.htmx-indicator').classList.add('htmx-request')")
    busy = button.evaluate(LABEL_OFFSET)
    assert (busy["left"], busy["top"]) == (at_rest["left"], at_rest["top"]), (at_rest, busy)
    spinner = button.evaluate(
        """b => { const s = b.querySelector('.htmx-indicator').getBoundingClientRect(), r = b.getBoundingClientRect();
                  return Math.abs((s.left + s.width / 2) - (r.left + r.width / 2)); }"""
    )
    assert spinner <= 2, spinner
    button.evaluate("b => b.querySelector('.htmx-indicator').classList.remove('htmx-request')")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_save_profile_has_its_label_in_the_centre(server_url, browser, size):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = _open(browser, server_url, mentor, "/mentor/dashboard/profile/", size)
    _label_stays_centred(page.get_by_role("button", name="Save profile"))
    context.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_confirm_payout_has_its_label_in_the_centre(server_url, browser, size):
    mentor = make_user("maya", User.Role.MENTOR)
    entry(mentor, "250.00", days_ago=20)
    context, page = _open(browser, server_url, mentor, "/mentor/dashboard/earnings/", size)
    page.get_by_role("button", name="Request payout").click()
    page.get_by_role("dialog", name="Request payout").get_by_role("button", name="Continue").click()
    confirm = page.get_by_role("dialog", name="Confirm your payout")
    _label_stays_centred(confirm.get_by_role("button", name="Confirm payout"))
    screenshot(page, f"confirm-payout-{size[0]}")
    context.close()


SHELL_BOXES = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, width: r.width, height: r.height}; };
  const header = document.querySelector('header'), inner = header.firstElementChild;
  const nav = document.querySelector('#dashboard-tabs, #learner-nav');
  const links = [...nav.querySelectorAll('a')];
  return {header: box(header), inner: box(inner), innerMax: getComputedStyle(inner).maxWidth,
          nav: box(nav), navMax: getComputedStyle(nav.parentElement).maxWidth,
          linkHeights: links.map(a => a.getBoundingClientRect().height),
          linkFont: getComputedStyle(links[0]).fontSize, current: nav.querySelector('[aria-current=page], [aria-selected=true]').textContent.trim()};
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_learner_and_mentor_share_one_header_and_navigation(server_url, browser, size):
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    m_context, m_page = _open(browser, server_url, mentor, DASHBOARD, size)
    l_context, l_page = _open(browser, server_url, learner, "/sessions/", size)
    mentor_shell, learner_shell = m_page.evaluate(SHELL_BOXES), l_page.evaluate(SHELL_BOXES)
    for key in ("header", "inner"):
        assert mentor_shell[key] == learner_shell[key], (key, mentor_shell, learner_shell)
    # Same column; on a phone the mentor's six tabs take two rows, the learner's three one.
    assert mentor_shell["nav"]["left"] == learner_shell["nav"]["left"]
    assert mentor_shell["nav"]["width"] == learner_shell["nav"]["width"]
    assert (
        mentor_shell["innerMax"]
        == learner_shell["innerMax"]
        == mentor_shell["navMax"]
        == learner_shell["navMax"]
    )
    assert mentor_shell["linkFont"] == learner_shell["linkFont"]
    assert learner_shell["current"] == "Find sessions"
    expect(
        l_page.get_by_role("navigation", name="Learner").get_by_role("link", name="Find sessions")
    ).to_have_attribute("aria-current", "page")
    for shell, page in ((mentor_shell, m_page), (learner_shell, l_page)):
        assert min(shell["linkHeights"]) >= 44, shell
        assert no_horizontal_overflow(page)
        assert sideways_scrollers(page) == []
    screenshot(l_page, f"learner-nav-{size[0]}")
    screenshot(m_page, f"mentor-nav-{size[0]}")
    m_context.close()
    l_context.close()
