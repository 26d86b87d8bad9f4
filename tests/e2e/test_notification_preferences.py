"""The notification settings page in a real browser, at 360×740 and 1280×900.

A learner turns an email kind on and an in-app kind off, sets quiet hours and the
daily digest, saves (htmx), reloads: the page shows what was saved, the database
holds it, nothing scrolls sideways. The one-click unsubscribe page works without
signing in.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notifications import preferences
from notifications.emails import unsubscribe_token
from tests.conftest import make_user
from tests.e2e.conftest import open_signed_in, screenshot, sideways_scrollers
from tests.security.browser import axe_violations, describe

SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
]


@pytest.mark.parametrize("viewport", SIZES)
def test_a_learner_changes_and_saves_notification_preferences(browser, server_url, viewport):
    learner = make_user("pref_lea", User.Role.LEARNER, email="lea@example.com")
    _, page = open_signed_in(
        browser, server_url, learner, "/account/notifications/", viewport=viewport
    )
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    review_email = page.get_by_label("Email: Reviews")
    changes_in_app = page.get_by_label("In app: Session changes")
    expect(review_email).not_to_be_checked()
    expect(changes_in_app).to_be_checked()
    review_email.check()
    changes_in_app.uncheck()
    page.get_by_label("Hold email during quiet hours").check()
    page.get_by_label("From", exact=True).fill("21:30")
    page.get_by_label("To", exact=True).fill("06:45")
    page.get_by_label("One daily digest").check()
    name = "phone" if viewport["width"] < 400 else "desktop"
    screenshot(page, f"notification-preferences-{name}")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Preferences saved")
    assert sideways_scrollers(page) == []

    page.reload()
    expect(page.get_by_label("Email: Reviews")).to_be_checked()
    expect(page.get_by_label("In app: Session changes")).not_to_be_checked()
    expect(page.get_by_label("Hold email during quiet hours")).to_be_checked()
    expect(page.get_by_label("From", exact=True)).to_have_value("21:30")
    expect(page.get_by_label("One daily digest")).to_be_checked()
    prefs = preferences.for_user(learner)
    assert prefs.wants_email("review") and not prefs.wants_in_app("session_changed")
    assert prefs.quiet_hours == {"start": "21:30", "end": "06:45"}
    assert prefs.email_digest == "daily"
    assert page.js_errors == []
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_bad_quiet_hour_is_marked_on_its_field(browser, server_url):
    learner = make_user("pref_leo", User.Role.LEARNER, email="leo@example.com")
    _, page = open_signed_in(browser, server_url, learner, "/account/notifications/")
    page.get_by_label("Hold email during quiet hours").check()
    page.get_by_label("From", exact=True).fill("22:00")
    page.get_by_label("To", exact=True).fill("22:00")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Quiet hours must start and end at different times.")).to_be_visible()
    expect(page.get_by_label("From", exact=True)).to_have_attribute("aria-invalid", "true")
    assert preferences.for_user(learner).quiet_hours is None


def test_the_unsubscribe_page_works_without_signing_in(page, server_url):
    mentor = make_user("pref_ann", User.Role.MENTOR, email="ann@example.com")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{server_url}/email/unsubscribe/{unsubscribe_token(mentor, 'booking')}/")
    expect(page.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, "unsubscribe-done-phone")
    assert preferences.for_user(mentor).wants_email("booking") is False


def test_a_mentor_finds_the_settings_from_the_notifications_tab(browser, server_url):
    mentor = make_user("pref_max", User.Role.MENTOR, email="max@example.com")
    _, page = open_signed_in(
        browser,
        server_url,
        mentor,
        "/mentor/dashboard/notifications/",
        viewport={"width": 360, "height": 740},
    )
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="Notification settings")).to_be_visible()
    expect(page.get_by_role("tab", name="Notifications")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Email: Payouts")).to_be_checked()
    page.get_by_label("Email: Payouts").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Preferences saved")
    screenshot(page, "notification-preferences-mentor-phone")
    assert sideways_scrollers(page) == []
    assert preferences.for_user(mentor).wants_email("payout_status") is False
