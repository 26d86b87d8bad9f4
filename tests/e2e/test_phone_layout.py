"""Phone-first layout (issue #18, points 1 and 2), in a real browser.

At 360×740: all six dashboard tabs sit inside the screen (no sideways
scrolling to reach Profile or Notifications); notification rows and urgent
banners keep a wide text column (actions stack below the text) and a banner
is one line of text plus its button. At 1280×900 the tab strip stays one row.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot
from tests.notifications.builders import make_notification
from tests.requests_app.builders import make_request

TABS = ["My Sessions", "Requests", "Earnings", "Analytics", "Profile", "Notifications"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NOTIFICATIONS = "/mentor/dashboard/notifications/"
LONG_TITLE = "Your session “Intro to System Design for Early-Career Engineers” starts in 5 minutes"
LONG_BODY = (
    "Open the room a little early to check your camera and microphone before your learners arrive."
)


def _mentor_with_alerts():
    mentor = make_user("maya", User.Role.MENTOR)
    make_notification(
        mentor,
        LONG_TITLE,
        body=LONG_BODY,
        level="urgent",
        kind="session_reminder",
        # Not a page the tests open: visiting an alert's own page marks it read.
        url="/mentor/dashboard/sessions/past/",
    )
    make_notification(
        mentor,
        "New request from Liam Chen",
        body="“Code review of my Django project” — three preferred times.",
        kind="new_request",
        url="/mentor/dashboard/requests/",
    )
    make_notification(mentor, "Payout paid", kind="payout_status", read=True)
    return mentor


def _open(browser, server_url, user, path, viewport):
    return open_signed_in(
        browser, server_url, user, path, viewport=viewport, has_touch=viewport["width"] < 600
    )


def _box(locator):
    locator.scroll_into_view_if_needed()
    return locator.bounding_box()


def test_all_six_tabs_fit_a_360px_phone_and_switch_without_sideways_scrolling(server_url, browser):
    mentor = _mentor_with_alerts()
    make_request(make_user("liam", User.Role.LEARNER), mentor)
    context, page = _open(browser, server_url, mentor, "/mentor/dashboard", PHONE)
    tabs = page.get_by_role("tablist", name="Dashboard").get_by_role("tab")
    expect(tabs).to_have_count(len(TABS))
    for name in TABS:
        tab = page.get_by_role("tab", name=name)
        box = tab.bounding_box()
        assert box is not None, name
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (name, box)
        assert box["height"] >= 44 - 0.5, (name, box)
    # The pending-requests badge stays visible inside its tab.
    badge = page.locator("#requests-badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("1")
    badge_box = badge.bounding_box()
    requests_box = page.get_by_role("tab", name="Requests").bounding_box()
    assert badge_box["x"] + badge_box["width"] <= requests_box["x"] + requests_box["width"] + 0.5
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-tabs")

    # The last tabs are clickable where they are, without scrolling sideways.
    for name in ("Profile", "Notifications"):
        page.get_by_role("tab", name=name).click()
        expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
        assert page.evaluate("window.scrollX") == 0
        assert no_horizontal_overflow(page)

    # Arrow keys still walk the tabs (wrapping from the last to the first).
    page.get_by_role("tab", name="Notifications").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="My Sessions")).to_be_focused()
    expect(page.get_by_role("tab", name="My Sessions")).to_have_attribute("aria-selected", "true")
    context.close()


def test_notification_rows_and_banner_keep_a_wide_text_column_on_a_phone(server_url, browser):
    mentor = _mentor_with_alerts()
    context, page = _open(browser, server_url, mentor, NOTIFICATIONS, PHONE)
    min_text = 0.6 * PHONE["width"]

    banner = page.get_by_role("alert").filter(has_text="starts in 5 minutes")
    expect(banner).to_be_visible()
    banner_box = banner.bounding_box()
    assert banner_box["height"] <= 120, banner_box
    text_box = banner.locator("[data-banner-text]").bounding_box()
    assert text_box["width"] >= min_text, text_box
    # One line of text: the full wording stays available (tooltip and DOM).
    line = banner.locator("[data-banner-text] p")
    assert line.bounding_box()["height"] <= 32
    assert LONG_TITLE in (line.get_attribute("title") or "")
    expect(line).to_contain_text(LONG_BODY)
    expect(banner.get_by_role("link", name="Open session")).to_be_visible()
    expect(banner.get_by_role("button", name="Dismiss alert")).to_be_visible()

    rows = page.locator("#notification-list li[id^='notification-']")
    expect(rows).to_have_count(3)
    for i in range(rows.count()):
        rows.nth(i).scroll_into_view_if_needed()
        text = rows.nth(i).locator("[data-notification-text]").bounding_box()
        assert text["width"] >= min_text, (i, text)
        # Actions sit below the text, not beside it.
        action = rows.nth(i).get_by_role("button").first.bounding_box()
        assert action["y"] >= text["y"] + text["height"] - 0.5, (i, text, action)
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-notifications")

    # The bell menu's rows are as wide.
    page.locator("#bell-button").click()
    items = page.locator("#bell-menu [data-menu-item]")
    expect(items.first).to_be_visible()
    for i in range(items.count()):
        box = _box(items.nth(i))
        assert box["width"] >= min_text, (i, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5
    context.close()


@pytest.mark.parametrize("path", ["/mentor/dashboard/sessions/scheduled/", "/"])
def test_the_banner_is_short_on_every_page(server_url, browser, path):
    mentor = _mentor_with_alerts()
    if path == "/":
        mentor = make_user("liam", User.Role.LEARNER)
        make_notification(
            mentor,
            LONG_TITLE,
            body=LONG_BODY,
            level="urgent",
            kind="session_reminder",
            url="/account/",
        )
    context, page = _open(browser, server_url, mentor, path, PHONE)
    banner = page.get_by_role("alert").filter(has_text="starts in 5 minutes")
    expect(banner).to_be_visible()
    assert banner.bounding_box()["height"] <= 120
    assert banner.locator("[data-banner-text]").bounding_box()["width"] >= 0.6 * PHONE["width"]
    context.close()


def test_desktop_keeps_one_row_of_tabs_and_side_by_side_actions(server_url, browser):
    mentor = _mentor_with_alerts()
    context, page = _open(browser, server_url, mentor, NOTIFICATIONS, DESKTOP)
    boxes = [page.get_by_role("tab", name=name).bounding_box() for name in TABS]
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    for left, right in zip(boxes, boxes[1:]):
        assert left["x"] + left["width"] <= right["x"] + 0.5
    # Tabs keep their natural width (a strip, not a stretched grid).
    assert boxes[-1]["x"] + boxes[-1]["width"] - boxes[0]["x"] < 700
    row = page.locator("#notification-list li[id^='notification-']").first
    text = row.locator("[data-notification-text]").bounding_box()
    action = row.get_by_role("button").first.bounding_box()
    assert action["x"] >= text["x"] + text["width"] - 0.5
    banner = page.get_by_role("alert").filter(has_text="starts in 5 minutes")
    expect(banner.get_by_text(LONG_BODY)).to_be_visible()
    screenshot(page, "desktop-notifications")
    context.close()
