"""Sessions in a real browser: dialog create/edit/publish, a learner books, live count, Past."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from sessions_app import services
from sessions_app.models import Session
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot
from tests.sessions_app.builders import make_session


def _create_draft(page, server_url: str, mentor: User):
    """Create "Django testing clinic" in the dialog, after a missing title is flagged; returns
    its row."""
    page.get_by_role("button", name="Create Session").click()
    dialog = page.get_by_role("dialog", name="New session")
    expect(dialog).to_be_visible()
    day = (timezone.now() + timedelta(days=4)).astimezone(mentor.tzinfo).date().isoformat()
    dialog.get_by_label("Title").fill("")
    dialog.get_by_label("Date").fill(day)
    dialog.get_by_label("Start time").fill("15:00")
    dialog.get_by_label("Duration").fill("45")
    dialog.get_by_label("Seats").fill("3")
    dialog.get_by_label("Price").fill("20")
    dialog.get_by_role("button", name="Save draft").click()
    expect(dialog.get_by_text("Give the session a title.")).to_be_visible()
    expect(dialog.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Title")).to_be_focused()
    dialog.get_by_label("Title").fill("Django testing clinic")
    dialog.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.locator("li", has_text="Django testing clinic")
    expect(row).to_be_visible()
    expect(row).to_contain_text("15:00")
    expect(page).to_have_url(f"{server_url}/mentor/dashboard/sessions/draft/")
    return row


def _rename_draft(page, row):
    """Edit the draft's title with the same dialog; returns its row."""
    row.get_by_role("button", name="More actions").click()
    row.get_by_role("menuitem", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit session")
    expect(dialog.get_by_label("Title")).to_have_value("Django testing clinic")
    dialog.get_by_label("Title").fill("Django testing clinic, part 1")
    dialog.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.locator("li", has_text="Django testing clinic, part 1")
    expect(row).to_be_visible()
    return row


def test_mentor_creates_edits_publishes_and_sees_a_booking_live(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    learner = make_user("liam", User.Role.LEARNER, first_name="Liam")
    mentor_ctx, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/draft/"
    )
    expect(page.get_by_text("No drafts")).to_be_visible()
    page.evaluate("window.__marker = 'no-reload'")

    # Create a draft in the dialog; a mistake first, shown next to the field.
    row = _create_draft(page, server_url, mentor)
    # Edit it with the same dialog.
    row = _rename_draft(page, row)

    # Publish from the row: it leaves Draft and shows up in Scheduled with 0 / 3.
    row.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("is published")
    expect(page.locator("li", has_text="Django testing clinic")).to_have_count(0)
    page.get_by_role("tab", name="Scheduled", exact=True).click()
    session = Session.objects.get(mentor=mentor)
    count = page.locator(f"#participants-{session.pk}")
    expect(count).to_have_text("0 / 3")
    expect(page.locator("#shell")).to_have_attribute("data-realtime-state", "open")

    # A learner, in another browser context, books through the catalogue.
    learner_ctx, learner_page = open_signed_in(browser, server_url, learner, "/sessions/")
    learner_page.get_by_role("link", name="Django testing clinic, part 1", exact=True).click()
    expect(learner_page.get_by_role("link", name="Maya")).to_have_attribute(
        "href", f"/mentors/{mentor.pk}/"
    )
    learner_page.get_by_role("button", name=re.compile("^Book")).click()
    learner_page.get_by_role("dialog", name="Confirm your booking").get_by_role(
        "button", name="Confirm booking"
    ).click()
    expect(learner_page.get_by_role("status")).to_contain_text("You're booked")

    # The mentor's count changes without a reload, and a toast says so.
    expect(count).to_have_text("1 / 3")
    expect(page.locator("#toasts [data-toast]")).to_contain_text("New booking")
    assert page.evaluate("window.__marker") == "no-reload"
    screenshot(page, "sessions-booked-live")

    # The session runs and the periodic job ends it: it shows in Past.
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.LIVE,
        starts_at=timezone.now() - timedelta(hours=2),
        started_at=timezone.now() - timedelta(hours=2),
    )
    assert services.end_overdue_sessions() == 1
    page.get_by_role("tab", name="Past", exact=True).click()
    past_row = page.locator("li", has_text="Django testing clinic, part 1")
    expect(past_row).to_contain_text("attended")  # Past needs no "Completed" badge
    expect(past_row).to_contain_text("1 / 3")
    learner_ctx.close()
    mentor_ctx.close()


def test_start_session_button_and_learner_join_link(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    soon = make_session(
        mentor, title="Starting soon", starts_at=timezone.now() + timedelta(minutes=5)
    )
    services.book_session(learner, soon)
    ctx, page = open_signed_in(browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/")
    expect(page.get_by_role("button", name="Start Session")).to_be_visible()
    services.start_session(mentor, soon)
    learner_ctx, learner_page = open_signed_in(browser, server_url, learner, "/")
    join = learner_page.locator("li", has_text="Starting soon").get_by_role("link", name="Join")
    expect(join).to_have_attribute("href", f"/live/{soon.pk}/")
    ctx.close()
    learner_ctx.close()


def test_cancel_asks_for_confirmation_and_learner_cancels_booking(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    first = make_session(mentor, title="First one", capacity=2)
    second = make_session(mentor, title="Second one", starts_at=timezone.now() + timedelta(days=5))
    services.book_session(learner, first)
    services.book_session(learner, second)

    learner_ctx, lpage = open_signed_in(browser, server_url, learner, f"/sessions/{first.pk}/")
    lpage.get_by_role("button", name="Cancel booking").click()
    confirm = lpage.get_by_role("dialog", name="Cancel your booking?")
    confirm.get_by_role("button", name="Keep my seat").click()
    expect(lpage.get_by_role("dialog")).to_have_count(0)
    lpage.get_by_role("button", name="Cancel booking").click()
    lpage.get_by_role("dialog").get_by_role("button", name="Cancel booking").click()
    expect(lpage.get_by_text("Your booking was cancelled.")).to_be_visible()
    expect(lpage.get_by_role("button", name=re.compile("^Book"))).to_be_visible()

    ctx, page = open_signed_in(browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/")
    row = page.locator("li", has_text="Second one")
    row.get_by_role("button", name="More actions").click()
    row.get_by_role("menuitem", name="Cancel session").click()
    dialog = page.get_by_role("dialog", name="Cancel ‘Second one’?")
    expect(dialog).to_contain_text("1 booked learner will be told")
    dialog.get_by_label("Reason").fill("Travelling, sorry")
    dialog.get_by_role("button", name="Cancel session").click()
    expect(page.get_by_role("status")).to_contain_text("was cancelled")
    expect(page.locator("li", has_text="Second one")).to_have_count(0)
    second.refresh_from_db()
    assert second.status == Session.Status.CANCELLED
    ctx.close()
    learner_ctx.close()


def test_sessions_tab_and_dialog_fit_a_small_phone(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    for i in range(3):
        make_session(
            mentor,
            title=f"A rather long session title number {i} about testing",
            starts_at=timezone.now() + timedelta(days=i + 1),
        )
    ctx, page = open_signed_in(
        browser,
        server_url,
        mentor,
        "/mentor/dashboard/sessions/scheduled/",
        viewport={"width": 360, "height": 740},
    )
    expect(page.locator("li", has_text="number 0")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="Create Session").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "sessions-dialog-360")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Create Session")).to_be_focused()
    ctx.close()


def test_learner_searches_the_catalogue_on_a_phone(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    learner = make_user("liam", User.Role.LEARNER)
    make_session(mentor, title="Django ORM performance", topic="Django")
    make_session(
        mentor, title="CSS grid layouts", topic="CSS", starts_at=timezone.now() + timedelta(days=3)
    )
    make_session(mentor, title="Hidden draft", status=Session.Status.DRAFT)
    ctx, page = open_signed_in(
        browser, server_url, learner, "/sessions/", viewport={"width": 360, "height": 740}
    )
    expect(page.get_by_role("heading", name="CSS grid layouts")).to_be_visible()
    expect(page.get_by_text("Hidden draft")).to_have_count(0)
    page.get_by_label("Topic or title").fill("django")
    expect(page.get_by_role("heading", name="CSS grid layouts")).to_have_count(0)
    expect(page.get_by_role("heading", name="Django ORM performance")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=django"))
    assert no_horizontal_overflow(page)
    screenshot(page, "sessions-catalogue-360")
    page.get_by_label("Topic or title").fill("nothing like this")
    expect(page.get_by_text("No sessions match")).to_be_visible()
    ctx.close()


def test_calendar_feed_card_on_the_profile_tab(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    make_session(mentor, title="In my calendar")
    ctx, page = open_signed_in(browser, server_url, mentor, "/mentor/dashboard/profile/")
    card = page.locator("#calendar-feed-card")
    card.get_by_role("button", name="Create feed address").click()
    address = card.get_by_label("Calendar feed address")
    expect(address).to_have_value(re.compile(r"/calendar/[\w-]{20,}\.ics$"))
    first = address.input_value()
    feed = page.request.get(first)
    assert feed.status == 200 and "In my calendar" in feed.text()
    card.get_by_role("button", name="Copy").click()
    expect(card.get_by_role("status")).to_have_text(re.compile("Copied|Ctrl"))
    card.get_by_text("Revoke & create new").click()
    card.get_by_role("button", name="Yes, revoke and create a new address").click()
    expect(card.get_by_role("status")).to_contain_text("old one no longer works")
    expect(address).not_to_have_value(first)
    assert page.request.get(first).status == 404
    ctx.close()
