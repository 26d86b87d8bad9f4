"""Notifications in a real browser against a real Daphne: bell, toasts, banners, reconnect."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from notifications.models import Notification
from tests.conftest import make_user
from tests.e2e.conftest import open_signed_in, screenshot, sign_in, start_server, stop_server
from tests.notifications.builders import make_notification

DASHBOARD = "/mentor/dashboard/sessions/scheduled/"


def open_dashboard(browser, server_url, user, path=DASHBOARD, **context_args):
    """A signed-in page whose notification socket is open."""
    context, page = open_signed_in(browser, server_url, user, path, **context_args)
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
    return context, page


def bell(page):
    return page.locator("#bell-count")


def test_a_notification_from_another_client_raises_the_bell_and_a_toast(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    mentor_ctx, mentor_page = open_dashboard(browser, server_url, mentor)
    learner_ctx, learner_page = open_dashboard(browser, server_url, learner, path="/")
    mentor_page.evaluate("window.__marker = 'no-reload'")
    expect(bell(mentor_page)).to_be_hidden()

    # Stored by another process (this test, like an operator command): it
    # reaches the page through the socket's heartbeat catch-up (2 s here), or
    # at once through Redis in the scale-out pass.
    make_notification(mentor, "Liam booked Django deep dive", url="/mentor/dashboard/")
    toast = mentor_page.locator("#toasts [data-toast]")
    expect(toast).to_contain_text("Liam booked Django deep dive")
    expect(bell(mentor_page)).to_have_text(re.compile(r"^1"))
    expect(bell(mentor_page)).to_be_visible()
    expect(mentor_page.locator("#toasts")).to_have_attribute("aria-live", "polite")
    assert mentor_page.evaluate("window.__marker") == "no-reload"
    screenshot(mentor_page, "notifications-toast")
    # The learner's page got nothing of the mentor's, then its own.
    expect(learner_page.locator("#toasts [data-toast]")).to_have_count(0)
    learner_page.clock.install()  # time flows on, and can be skipped ahead below
    make_notification(learner, "Your request was accepted", url="/")
    expect(learner_page.locator("#toasts [data-toast]")).to_contain_text(
        "Your request was accepted"
    )
    expect(bell(learner_page)).to_have_text(re.compile(r"^1"))
    expect(mentor_page.locator("#toasts [data-toast]")).to_have_count(1)

    # Toasts can be dismissed with their button, and go away by themselves.
    mentor_page.get_by_role("button", name=re.compile("^Dismiss notification")).click()
    expect(toast).to_have_count(0)
    learner_page.clock.fast_forward(9000)  # past the toast's 8 s
    expect(learner_page.locator("#toasts [data-toast]")).to_have_count(0)
    mentor_ctx.close()
    learner_ctx.close()


def test_reading_in_one_tab_updates_the_bell_in_the_other_at_once(server_url, browser):
    """An HTTP action on the server pushes through the channel layer to another page."""
    mentor = make_user("maya", User.Role.MENTOR)
    for i in range(3):
        make_notification(mentor, f"News {i}")
    first_ctx, first = open_dashboard(browser, server_url, mentor)
    second_ctx, second = open_dashboard(
        browser, server_url, mentor, path="/mentor/dashboard/notifications/"
    )
    expect(bell(first)).to_have_text(re.compile(r"^3"))
    second.get_by_role("button", name="Mark read: News 1").click()
    expect(bell(first)).to_have_text(re.compile(r"^2"))
    second.get_by_role("button", name="Mark all as read").click()
    expect(bell(first)).to_be_hidden()
    expect(bell(second)).to_be_hidden()
    first_ctx.close()
    second_ctx.close()


def test_an_urgent_notification_shows_a_banner_until_dismissed(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_dashboard(browser, server_url, mentor)
    make_notification(
        mentor,
        "“Django deep dive” starts in 5 minutes",
        level="urgent",
        kind="session_reminder",
        url="/mentor/dashboard/earnings/",
    )
    banner = page.get_by_role("alert").filter(has_text="starts in 5 minutes")
    expect(banner).to_be_visible()
    expect(page.locator("#toasts [data-toast]")).to_have_count(0)
    screenshot(page, "notifications-banner")
    # It survives a reload (still open), and goes once dismissed.
    page.reload()
    expect(banner).to_be_visible()
    page.get_by_role("button", name=re.compile("^Dismiss alert")).click()
    expect(banner).to_have_count(0)
    expect(bell(page)).to_be_hidden()
    assert Notification.objects.get(user=mentor).read_at is not None
    page.reload()
    expect(page.get_by_role("alert").filter(has_text="starts in 5 minutes")).to_have_count(0)
    context.close()


def test_an_urgent_banner_link_opens_its_page(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_dashboard(browser, server_url, mentor)
    make_notification(mentor, "Payout failed", level="urgent", url="/mentor/dashboard/earnings/")
    banner = page.get_by_role("alert").filter(has_text="Payout failed")
    expect(banner).to_be_visible()
    banner.get_by_role("link", name="Open").click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/earnings/")
    expect(page.get_by_role("alert").filter(has_text="Payout failed")).to_have_count(0)
    context.close()


def test_clicking_a_bell_item_opens_its_page_and_the_count_drops(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    make_notification(mentor, "Older news")
    make_notification(mentor, "Payout paid", url="/mentor/dashboard/earnings/")
    context, page = open_dashboard(browser, server_url, mentor)
    expect(bell(page)).to_have_text(re.compile(r"^2"))
    button = page.get_by_role("button", name=re.compile("^Notifications"))
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    menu = page.locator("#bell-menu")
    expect(menu.locator("[data-menu-item]")).to_have_count(2)
    screenshot(page, "notifications-menu")
    # An open menu picks up a new arrival.
    make_notification(mentor, "Just arrived")
    expect(menu.locator("[data-menu-item]")).to_have_count(3)
    expect(menu.locator("[data-menu-item]").first).to_contain_text("Just arrived")
    # Escape closes the menu and gives focus back to the bell.
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    menu.get_by_role("link", name=re.compile("Payout paid")).click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/earnings/")
    expect(bell(page)).to_have_text(re.compile(r"^2"))
    button = page.get_by_role("button", name=re.compile("^Notifications"))
    button.click()
    page.locator("#bell-menu").get_by_role("button", name="Mark all as read").click()
    expect(bell(page)).to_be_hidden()
    assert not Notification.objects.filter(user=mentor, read_at__isnull=True).exists()
    context.close()


def test_the_notifications_tab_filters_and_marks_read(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    make_notification(mentor, "Read long ago", read=True)
    make_notification(mentor, "Fresh request", kind="new_request")
    context, page = open_dashboard(browser, server_url, mentor)
    page.get_by_role("tab", name="Notifications").click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/notifications/")
    items = page.locator("#notification-list li")
    expect(items).to_have_count(2)
    page.get_by_role("link", name="Unread", exact=True).click()
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/notifications/?filter=unread")
    expect(items).to_have_count(1)
    page.get_by_role("button", name="Mark read: Fresh request").click()
    expect(page.get_by_role("button", name="Mark unread: Fresh request")).to_be_visible()
    expect(bell(page)).to_be_hidden()
    page.get_by_role("link", name="All", exact=True).click()
    expect(items).to_have_count(2)
    screenshot(page, "notifications-tab")
    # A new one appears at the top of the open list, live.
    make_notification(mentor, "Brand new")
    expect(items.first).to_contain_text("Brand new")
    context.close()


@pytest.fixture
def own_server(transactional_db):
    """A Daphne of this test's own, so it can be stopped and started again."""
    server = start_server()
    yield server
    stop_server(server)


def test_a_notification_sent_while_the_socket_was_down_shows_after_reconnect(own_server, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_dashboard(browser, own_server.url, mentor)
    shell = page.locator("#shell")
    stop_server(own_server)
    expect(shell).to_have_attribute("data-realtime-state", "reconnecting")
    expect(page.get_by_role("status").filter(has_text="Reconnecting…")).to_be_visible()
    make_notification(mentor, "Sent while you were away")
    restarted = start_server(port=own_server.port)
    own_server.proc = restarted.proc  # the fixture stops the new one
    expect(shell).to_have_attribute("data-realtime-state", "open", timeout=40000)
    expect(page.locator("#toasts [data-toast]")).to_contain_text("Sent while you were away")
    expect(page.get_by_text("Reconnecting…")).to_be_hidden()
    expect(bell(page)).to_have_text(re.compile(r"^1"))
    # Exactly once, even after more heartbeats.
    page.wait_for_timeout(2500)
    expect(page.locator("#toasts [data-toast]")).to_have_count(1)
    context.close()


def test_an_expired_access_cookie_is_refreshed_and_the_socket_comes_back(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_dashboard(browser, server_url, mentor)
    expired = AccessToken.for_user(mentor)
    from datetime import timedelta

    expired.set_exp(lifetime=-timedelta(seconds=5))
    context.add_cookies(
        [
            {
                "name": settings.JWT_ACCESS_COOKIE,
                "value": str(expired),
                "domain": "127.0.0.1",
                "path": "/",
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.evaluate("window.MentorHubRealtime.drop()")
    # 4001 → a normal request refreshes the cookies → the socket reconnects.
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
    access = next(c for c in context.cookies() if c["name"] == settings.JWT_ACCESS_COOKIE)
    assert access["value"] != str(expired)
    make_notification(mentor, "Still connected")
    expect(page.locator("#toasts [data-toast]")).to_contain_text("Still connected")
    assert "/login/" not in page.url
    context.close()


def test_a_signed_out_page_goes_to_sign_in_when_it_cannot_refresh(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_dashboard(browser, server_url, mentor)
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.JWT_REFRESH_COOKIE,
                "value": "garbage",
                "domain": "127.0.0.1",
                "path": "/",
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.evaluate("window.MentorHubRealtime.drop()")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2Fmentor%2Fdashboard"))
    context.close()


def test_realtime_works_with_csp_enforced(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context, page = open_dashboard(browser, server_url, mentor, bypass_csp=False)
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    make_notification(mentor, "Under CSP")
    expect(page.locator("#toasts [data-toast]")).to_contain_text("Under CSP")
    page.get_by_role("button", name=re.compile("^Notifications")).click()
    expect(page.locator("#bell-menu [data-menu-item]")).to_have_count(1)
    assert violations == []
    context.close()


def test_the_bell_menu_fits_a_phone(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    for i in range(3):
        make_notification(mentor, f"A fairly long notification title number {i} for phones")
    context, page = open_dashboard(
        browser, server_url, mentor, viewport={"width": 360, "height": 740}
    )
    page.get_by_role("button", name=re.compile("^Notifications")).click()
    expect(page.locator("#bell-menu [data-menu-item]")).to_have_count(3)
    box = page.locator("#bell-menu").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "notifications-menu-360")
    page.keyboard.press("Escape")
    page.goto(server_url + "/mentor/dashboard/notifications/")
    expect(page.locator("#notification-list li")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "notifications-tab-360")
    context.close()


FAKE_NOTIFICATION_API = """
window.__alerts = [];
class FakeNotification {
  constructor(title, options) { window.__alerts.push({ title, body: options.body }); }
  close() {}
}
FakeNotification.permission = "default";
FakeNotification.requestPermission = () => {
  FakeNotification.permission = "granted";
  return Promise.resolve("granted");
};
window.Notification = FakeNotification;
Object.defineProperty(document, "hidden", { get: () => window.__hidden === true });
"""


def test_opted_in_urgent_alerts_raise_a_system_notification_when_hidden(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(FAKE_NOTIFICATION_API)
    sign_in(context, server_url, mentor)
    page = context.new_page()
    page.goto(server_url + "/mentor/dashboard/notifications/")
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
    page.get_by_role("button", name="Enable desktop alerts").click()
    expect(page.get_by_text("Desktop alerts are on")).to_be_visible()
    expect(page.get_by_role("button", name="Turn off desktop alerts")).to_be_visible()

    page.evaluate("window.__hidden = true")
    make_notification(mentor, "Starts in 5 minutes", level="urgent", body="Django deep dive")
    make_notification(mentor, "Just info")
    expect(page.locator("#toasts [data-toast]")).to_contain_text("Just info")
    alerts = page.evaluate("window.__alerts")
    assert alerts == [{"title": "Starts in 5 minutes", "body": "Django deep dive"}]

    page.evaluate("window.__hidden = false")
    make_notification(mentor, "Seen in the page", level="urgent")
    expect(page.get_by_role("alert").filter(has_text="Seen in the page")).to_be_visible()
    assert len(page.evaluate("window.__alerts")) == 1  # visible page: no system alert
    context.close()
