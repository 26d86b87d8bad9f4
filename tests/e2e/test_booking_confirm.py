"""Booking asks first (issue #18, point 9), in a real browser at 360×740 and 1280×900.

The learner opens a session, presses Book and reviews the time (in their own
zone, the mentor's too), price and cancellation terms in a modal dialog
(focus kept inside, Escape closes and returns focus). Confirming books once:
the seat count on the page moves by one, one success message, and the
mentor's open dashboard (another browser context) shows the new count live.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from core.formatting import local_time_label, money_label
from sessions_app.booking_terms import cancellation_terms
from sessions_app.models import Booking
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot
from tests.sessions_app.builders import make_booking, make_session

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
IN_DIALOG = "() => !!document.activeElement && !!document.activeElement.closest('dialog[open]')"


def _arrange():
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    early = make_user("ana", User.Role.LEARNER)
    starts = (timezone.now() + timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    session = make_session(
        mentor, title="Testing with pytest", starts_at=starts, capacity=4, price=Decimal("55.00")
    )
    make_booking(session, early)
    return mentor, learner, session


def _check_dialog_fits_and_keeps_focus(page, dialog, viewport):
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["y"] + box["height"] <= viewport["height"]
    assert dialog.evaluate("d => d.getAttribute('aria-modal')") == "true"
    assert page.evaluate(IN_DIALOG)
    for _ in range(6):  # Tab past the last button: focus stays in the dialog
        page.keyboard.press("Tab")
        assert page.evaluate(IN_DIALOG)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(IN_DIALOG)


def _escape_and_back_book_nothing(page, book, learner):
    """Book opens the review; Escape and Back close it, book nothing and give focus back."""
    book.click()
    expect(page.get_by_role("dialog", name="Confirm your booking")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(book).to_be_focused()
    book.click()
    page.get_by_role("dialog", name="Confirm your booking").get_by_role(
        "button", name="Back"
    ).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(book).to_be_focused()
    assert not Booking.objects.filter(learner=learner).exists()


def _review_in_dialog(page, book, session, learner, viewport):
    """The dialog shows both clocks, duration, price and terms, fits and keeps focus."""
    book.click()
    dialog = page.get_by_role("dialog", name="Confirm your booking")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-learner-time]")).to_have_text(
        local_time_label(learner, session.starts_at, zone=True)
    )
    expect(dialog.locator("[data-mentor-time]")).to_contain_text(
        local_time_label(session.mentor, session.starts_at, zone=True)
    )
    expect(dialog.locator("[data-price]")).to_have_text(money_label(session.price, "USD"))
    expect(dialog.locator("[data-terms]")).to_have_text(cancellation_terms(session, learner))
    expect(dialog).to_contain_text("60 min")
    _check_dialog_fits_and_keeps_focus(page, dialog, viewport)
    assert no_horizontal_overflow(page)
    screenshot(page, f"booking-confirm-{viewport['width']}")
    return dialog


def _open_learner_page(browser, server_url, learner, session, viewport):
    ctx, page = open_signed_in(
        browser,
        server_url,
        learner,
        f"/sessions/{session.pk}/",
        viewport=viewport,
        has_touch=viewport["width"] < 600,
    )
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    return ctx, page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_book_reviews_then_confirms_once_and_the_mentor_sees_it_live(server_url, browser, viewport):
    mentor, learner, session = _arrange()
    mentor_ctx, mentor_page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/"
    )
    count = mentor_page.locator(f"#participants-{session.pk}")
    expect(count).to_have_text("1 / 4")
    expect(mentor_page.locator("#shell")).to_have_attribute("data-realtime-state", "open")

    ctx, page = _open_learner_page(browser, server_url, learner, session, viewport)
    seats = page.locator("[data-seats]")
    expect(seats).to_have_text("1 / 4 booked")
    book = page.get_by_role("button", name=f"Book for {money_label(session.price, 'USD')}")
    _escape_and_back_book_nothing(page, book, learner)

    # Confirm: one booking, the count moves once, one success message.
    _review_in_dialog(page, book, session, learner, viewport).get_by_role(
        "button", name="Confirm booking"
    ).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(seats).to_have_text("2 / 4 booked")
    expect(page.get_by_text("You're booked")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_text("You're booked. See you there!")
    expect(page.locator("#booking-action")).to_be_focused()
    assert Booking.objects.filter(session=session, status="booked").count() == 2
    assert no_horizontal_overflow(page)
    screenshot(page, f"booking-done-{viewport['width']}")

    # The mentor's dashboard counts the seat without a reload.
    expect(count).to_have_text("2 / 4")
    screenshot(mentor_page, f"booking-mentor-live-{viewport['width']}")
    assert page.js_errors == [] and mentor_page.js_errors == []
    assert page.console_errors == []
    ctx.close()
    mentor_ctx.close()


def test_without_javascript_book_goes_through_the_confirmation_page(server_url, browser):
    _mentor, learner, session = _arrange()
    ctx, page = open_signed_in(
        browser,
        server_url,
        learner,
        f"/sessions/{session.pk}/",
        viewport=PHONE,
        java_script_enabled=False,
    )
    page.get_by_role("button", name="Book for").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/book/\??$"))
    expect(page.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    expect(page.get_by_text(cancellation_terms(session, learner))).to_be_visible()
    assert not Booking.objects.filter(learner=learner).exists()
    assert no_horizontal_overflow(page)
    screenshot(page, "booking-confirm-nojs-360")
    page.get_by_role("button", name="Confirm booking").click()
    expect(page).to_have_url(f"{server_url}/sessions/{session.pk}/")
    expect(page.locator("[data-seats]")).to_have_text("2 / 4 booked")
    expect(page.get_by_text("You're booked")).to_have_count(1)
    ctx.close()
