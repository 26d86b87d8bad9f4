"""The room's chat, the notes and the ending, in real Chromium contexts against Daphne:
messages cross at once both ways and are in the API afterwards, a reload catches up,
the end offers the learner "Rate this session" and shows the mentor the chat count,
and on a 360 px phone the chat opens over the call and stays usable."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from live.models import ChatMessage
from sessions_app.models import Booking, Session
from sessions_app.services import end_overdue_sessions
from tests.conftest import bearer
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot
from tests.e2e.test_live import status
from tests.e2e.test_live_room_layout import end_for_everyone
from tests.live.builders import book, make_session
from tests.security.browser import axe_violations, describe
from tests.support.wait import wait_until

WAIT = 20_000  # ms: two cores shared by several test runs
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def keep(page, name: str) -> None:
    """A screenshot in tests/e2e/screenshots (looked at when the room changes)."""
    screenshot(page, name)


def chat_log(page):
    return page.get_by_role("log", name="Chat messages")


def send(page, text: str, *, enter: bool = False) -> None:
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    if enter:
        box.press("Enter")
    else:
        page.get_by_role("button", name="Send", exact=True).click()


def join(page) -> None:
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#call")).to_be_visible(timeout=WAIT)
    page.wait_for_function(
        "() => window.__live.state.joined && window.__live.state.socketOpen", timeout=WAIT
    )


@pytest.fixture
def room(mentor, learner):
    session = make_session(mentor, title="Office hours")
    book(session, learner)
    return session


def test_chat_crosses_at_once_survives_a_reload_and_the_end_counts_it(
    browser, server_url, mentor, learner, room
):
    path = f"/live/{room.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, path, viewport=DESKTOP)
    l_ctx, lpage = open_signed_in(browser, server_url, learner, path, viewport=DESKTOP)
    join(mpage)
    join(lpage)
    expect(lpage.get_by_text("No messages yet. Say hello!")).to_be_visible()

    # Mentor → learner with the Send button; learner → mentor with Enter.
    send(mpage, "Welcome! <b>Questions</b> welcome")
    expect(chat_log(lpage)).to_contain_text("Welcome! <b>Questions</b> welcome", timeout=WAIT)
    expect(chat_log(lpage)).to_contain_text(mentor.display_name)
    expect(chat_log(mpage).locator("li").first).to_contain_text("You")
    expect(mpage.get_by_label("Message", exact=True)).to_have_value("")
    send(lpage, "Thanks, happy to be here", enter=True)
    expect(chat_log(mpage)).to_contain_text("Thanks, happy to be here", timeout=WAIT)
    expect(chat_log(mpage)).to_contain_text(learner.display_name)
    assert lpage.locator("#chat-log b").count() == 0  # shown as text, never as markup
    keep(mpage, "chat-desktop-mentor")
    assert not (found := axe_violations(lpage)), describe(found)

    # Stored, in order, and readable through the API by both.
    api = bearer(learner).get(f"/api/sessions/{room.pk}/chat/").json()
    assert [(m["author"], m["text"]) for m in api["results"]] == [
        (mentor.pk, "Welcome! <b>Questions</b> welcome"),
        (learner.pk, "Thanks, happy to be here"),
    ]

    # The learner reloads: the page rejoins and the chat is back, nothing doubled.
    lpage.reload()
    expect(chat_log(lpage).locator("li")).to_have_count(2, timeout=WAIT)
    expect(chat_log(lpage).locator("li").last).to_contain_text("You")
    send(mpage, "Good to have you back")
    expect(chat_log(lpage).locator("li")).to_have_count(3, timeout=WAIT)

    # End for everyone: the learner is offered the rating, the mentor the summary.
    end_for_everyone(mpage)
    summary = mpage.get_by_role("region", name="Summary")
    expect(summary).to_be_visible(timeout=WAIT)
    expect(summary.locator("[data-summary-chat]")).to_have_text("3 messages")
    expect(summary).to_contain_text("1 of 1 booked")
    expect(mpage.get_by_role("link", name="Write session notes")).to_be_visible()
    keep(mpage, "chat-summary-mentor")
    expect(lpage.get_by_role("heading", name="Session ended")).to_be_visible(timeout=WAIT)
    expect(lpage.get_by_role("link", name="Rate this session")).to_be_visible(timeout=WAIT)
    keep(lpage, "chat-ended-learner")
    assert ChatMessage.objects.filter(session=room).count() == 3
    assert lpage.js_errors == [] and mpage.js_errors == []
    m_ctx.close()
    l_ctx.close()


def test_on_a_phone_the_chat_opens_over_the_call_and_stays_usable(
    browser, server_url, mentor, learner, room
):
    path = f"/live/{room.pk}/"
    m_ctx, mpage = open_signed_in(browser, server_url, mentor, path, viewport=DESKTOP)
    l_ctx, lpage = open_signed_in(browser, server_url, learner, path, viewport=PHONE)
    join(mpage)
    join(lpage)
    panel = lpage.locator("#chat-panel")
    toggle = lpage.locator("#chat-toggle")
    expect(panel).to_be_hidden()  # the call keeps the screen
    expect(toggle).to_have_attribute("aria-expanded", "false")

    send(mpage, "Can everyone see my screen?")
    expect(lpage.locator("#chat-unread")).to_be_visible(timeout=WAIT)
    expect(toggle).to_have_accessible_name("Chat 1 unread")
    keep(lpage, "chat-phone-call-unread")

    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(lpage.get_by_label("Message", exact=True)).to_be_focused()
    expect(chat_log(lpage)).to_contain_text("Can everyone see my screen?")
    expect(lpage.locator("#chat-unread")).to_be_hidden()
    send(lpage, "Yes, all good " + "and a longer line that has to wrap on a narrow phone " * 2)
    expect(chat_log(mpage)).to_contain_text("Yes, all good", timeout=WAIT)
    expect(chat_log(lpage).locator("li")).to_have_count(2, timeout=WAIT)
    for part in ("#chat-input", "#chat-send", "#chat-close"):
        box = lpage.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], part
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], part
        assert box["height"] >= 44, part
    assert no_horizontal_overflow(lpage)
    keep(lpage, "chat-phone-open")

    # Too fast: a clear message, the text is kept, the socket stays up.
    for i in range(5):
        send(lpage, f"quick {i}")
    expect(lpage.get_by_role("alert").filter(has_text="too fast")).to_be_visible(timeout=WAIT)
    keep(lpage, "chat-phone-rate-limited")
    assert ChatMessage.objects.filter(session=room, author=learner).count() == 5
    expect(status(lpage)).not_to_have_text("Reconnecting…")

    lpage.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_be_focused()
    assert lpage.js_errors == [] and mpage.js_errors == []
    m_ctx.close()
    l_ctx.close()


def test_the_mentor_writes_notes_and_the_learner_reads_them_with_the_chat(
    browser, server_url, mentor, learner, room
):
    ChatMessage.objects.create(session=room, author=learner, text="What about testing?")
    room.status = "completed"
    room.save(update_fields=["status"])
    room.bookings.update(status="attended")
    m_ctx, mpage = open_signed_in(
        browser, server_url, mentor, f"/live/{room.pk}/notes/", viewport=DESKTOP
    )
    editor = mpage.get_by_role("textbox", name="Notes")
    editor.fill("Homework: write **one test** per view\n\n<script>alert(1)</script>")
    mpage.get_by_role("button", name="Save notes").click()
    expect(mpage.get_by_role("status").filter(has_text="Notes saved.")).to_be_visible()
    expect(mpage.locator("#chat-transcript")).to_contain_text("What about testing?")
    keep(mpage, "notes-editor-desktop")
    m_ctx.close()

    # The session's dialog on the mentor's dashboard shows both, with a way to edit.
    m_ctx, mpage = open_signed_in(
        browser, server_url, mentor, f"/mentor/dashboard/sessions/{room.pk}/", viewport=PHONE
    )
    dialog = mpage.get_by_role("dialog", name="Office hours")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog.locator("#session-notes strong")).to_have_text("one test")
    expect(dialog.get_by_role("link", name="Edit notes")).to_be_visible()
    expect(dialog.locator("#chat-transcript")).to_contain_text("What about testing?")
    assert no_horizontal_overflow(mpage)
    keep(mpage, "notes-mentor-dialog-phone")

    l_ctx, lpage = open_signed_in(
        browser, server_url, learner, f"/sessions/{room.pk}/", viewport=PHONE
    )
    notes = lpage.locator("#session-notes")
    expect(notes.locator("strong")).to_have_text("one test")
    assert notes.locator("script").count() == 0
    expect(lpage.locator("#chat-transcript")).to_contain_text("What about testing?")
    assert no_horizontal_overflow(lpage)
    keep(lpage, "notes-learner-phone")
    assert not (found := axe_violations(lpage)), describe(found)
    m_ctx.close()
    l_ctx.close()


def test_at_the_scheduled_end_the_learner_is_offered_rate_this_session(
    browser, server_url, mentor, learner, room
):
    path = f"/live/{room.pk}/"
    l_ctx, lpage = open_signed_in(browser, server_url, learner, path, viewport=PHONE)
    join(lpage)
    # The page shows the call at once; the server records attendance when its
    # socket's join arrives: only an attended learner is offered a review.
    wait_until(
        lambda: Booking.objects.filter(
            session=room, learner=learner, joined_at__isnull=False
        ).exists(),
        timeout=WAIT / 1000,
        what="the server recorded the learner's join",
    )
    # The session runs past its end and the periodic job ends it (here: in the test
    # process, whose pushes can't reach the server: the page's heartbeat finds out).
    Session.objects.filter(pk=room.pk).update(starts_at=room.starts_at - timedelta(hours=3))
    assert end_overdue_sessions() == 1
    expect(lpage.get_by_role("heading", name="Session ended")).to_be_visible(timeout=60_000)
    expect(lpage.get_by_role("link", name="Rate this session")).to_be_visible(timeout=WAIT)
    assert no_horizontal_overflow(lpage)
    keep(lpage, "scheduled-end-learner-phone")
    assert lpage.js_errors == []
    l_ctx.close()
