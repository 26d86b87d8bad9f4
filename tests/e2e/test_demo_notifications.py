"""The demo's notifications lead somewhere real (issue #18, point 13), in a real browser.

After `seed_demo`, the learner's review prompt offers "Rate session" and opens
the review form of a session they attended; the mentor's "New booking" opens
that session, "New request" the Requests tab with the request in it.
"""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import Notification
from sessions_app.models import Session
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(settings, server_url):
    settings.DEBUG = True  # seed_demo refuses to run with debug off unless forced
    call_command("seed_demo", stdout=io.StringIO())
    return server_url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_learners_review_prompt_says_rate_session_and_opens_the_form(demo, browser, viewport):
    learner = User.objects.get(username="learner")
    prompt = Notification.objects.get(user=learner, kind="review", read_at__isnull=True)
    ctx, page = open_signed_in(browser, demo, learner, "/notifications/", viewport=viewport)
    row = page.locator(f"#notification-{prompt.pk}")
    expect(row).to_contain_text(prompt.title)
    expect(page.get_by_text("Read review")).to_have_count(0)
    link = row.get_by_role("link", name=re.compile("^Rate session"))
    assert no_horizontal_overflow(page)
    screenshot(page, f"demo-learner-notifications-{viewport['width']}")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(prompt.url) + "$"))
    expect(page.get_by_role("heading", name="Rate your session")).to_be_visible()
    assert page.js_errors == []
    ctx.close()


def test_the_mentors_booking_and_request_notes_open_their_objects(demo, browser):
    mentor = User.objects.get(username="mentor")
    session = Session.objects.get(mentor=mentor, title="System design for beginners")
    ctx, page = open_signed_in(
        browser, demo, mentor, "/mentor/dashboard/notifications/", viewport=DESKTOP
    )
    screenshot(page, "demo-mentor-notifications-1280")
    page.get_by_role("link", name=f"View session: New booking: {session.title}").click()
    dialog = page.get_by_role("dialog", name=session.title)
    expect(dialog).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/mentor/dashboard/sessions/{session.pk}/$"))

    page.goto(demo + "/mentor/dashboard/notifications/")
    note = Notification.objects.get(user=mentor, kind="new_request")
    page.get_by_role("link", name=f"Review request: {note.title}").click()
    request_row = page.locator("#" + note.url.rsplit("#", 1)[1])
    expect(request_row).to_be_visible()
    expect(request_row.get_by_role("button", name="Accept")).to_be_visible()
    assert page.js_errors == []
    ctx.close()
