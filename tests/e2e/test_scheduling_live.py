"""Scheduling from the learner's side, in a real browser (issue #20).

- A learner at 360 px picks a length (with its price), a day and a time on the mentor's
  public page, confirms, and the mentor's Scheduled list — open in another browser —
  shows the new one-to-one without a reload.
- A learner cancels from their home: the confirmation states the refund, the section
  says what was refunded.
- A learner moves their one-to-one from their home to another free time.
"""

import os
import re
import shutil
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from playwright.sync_api import expect

from accounts.models import User
from core.formatting import money_label
from sessions_app.availability import services
from sessions_app.models import Booking, Session
from sessions_app.services import schedule_private_session
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name):
    path = screenshot(page, name)
    if os.environ.get("SHOTS_DIR"):  # a copy for reviewers, outside the repository
        shutil.copy(path, os.path.join(os.environ["SHOTS_DIR"], path.name))


def _money(amount) -> str:
    return money_label(Decimal(amount), settings.PLATFORM_CURRENCY)


def _mentor(instant=True):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    profile = mentor.mentor_profile
    profile.default_price, profile.default_duration_minutes = Decimal("60.00"), 60
    profile.save()
    services.update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 1020} for d in range(7)],
        min_notice_minutes=0,
        instant_booking=instant,
    )
    return mentor


def _one_to_one(mentor, learner, days=3, hour=10):
    day = services.mentor_today(mentor) + timedelta(days=days)
    starts = datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=mentor.tzinfo)
    session = schedule_private_session(
        mentor, learner, starts_at=starts, duration_minutes=60, title="Career chat",
        price=Decimal("60.00"),
    )  # fmt: skip
    return Booking.objects.get(session=session)


def test_a_phone_learner_books_a_slot_and_the_mentor_sees_it_live(server_url, browser):
    mentor = _mentor(instant=True)
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    mentor_ctx, mentor_page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/", viewport=DESKTOP
    )
    ctx, page = open_signed_in(
        browser, server_url, learner, f"/mentors/{mentor.pk}/", viewport=PHONE, has_touch=True
    )
    try:
        expect(mentor_page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
        expect(mentor_page.get_by_text("Nothing scheduled yet")).to_be_visible()
        mentor_page.evaluate("window.__notReloaded = true")

        section = page.get_by_role("region", name="Book a 1:1")
        section.locator('[data-duration="30"]').click()
        expect(section.locator('[data-duration="30"]')).to_have_attribute("aria-current", "true")
        expect(section.locator("[data-picker-duration]")).to_contain_text(_money("30.00"))
        section.locator("a[data-day-chip]").nth(1).click()
        expect(section.locator("a[data-day-chip]").nth(1)).to_have_attribute("aria-current", "date")
        assert no_horizontal_overflow(page)
        _shot(page, "sched-picker-durations-360")
        section.locator("[data-times] a").first.click()

        expect(page.get_by_role("heading", name="Confirm your 1:1")).to_be_visible()
        expect(page.locator("[data-price]")).to_have_text(_money("30.00"))
        page.get_by_label("What would you like to work on?").fill("Portfolio review")
        page.get_by_role("button", name="Confirm booking").click()
        expect(page.get_by_role("heading", name="Booked")).to_be_visible()
        session = Session.objects.get(mentor=mentor)
        assert (session.duration_minutes, session.price) == (30, Decimal("30.00"))

        # The mentor's Scheduled list shows it, without a reload.
        expect(mentor_page.get_by_role("heading", name="Portfolio review")).to_be_visible()
        assert mentor_page.evaluate("window.__notReloaded === true")
        expect(mentor_page.locator('[data-count="scheduled"]')).to_have_text("1")
        _shot(mentor_page, "sched-mentor-live-scheduled-1280")
        assert page.js_errors == [] and mentor_page.js_errors == []
    finally:
        ctx.close()
        mentor_ctx.close()


def test_a_learner_cancels_from_home_and_sees_the_refund(server_url, browser):
    mentor = _mentor()
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    booking = _one_to_one(mentor, learner)
    ctx, page = open_signed_in(browser, server_url, learner, "/", viewport=PHONE, has_touch=True)
    try:
        card = page.locator(f"#booking-{booking.pk}")
        expect(card).to_contain_text(_money("60.00"))
        assert no_horizontal_overflow(page)
        _shot(page, "sched-learner-home-360")
        card.get_by_role("link", name="Cancel").click()
        dialog = page.get_by_role("dialog", name="Cancel your booking?")
        expect(dialog).to_be_visible()
        expect(dialog.locator("[data-refund]")).to_have_text(_money("60.00"))
        _shot(page, "sched-cancel-dialog-360")
        dialog.get_by_role("button", name="Cancel booking").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        flash = page.locator("[data-bookings-flash]")
        expect(flash).to_contain_text("cancelled")
        expect(flash.locator("[data-refund]")).to_have_text(_money("60.00"))
        expect(page.locator(f"#booking-{booking.pk}")).to_have_count(0)
        booking.refresh_from_db()
        assert booking.status == "cancelled" and booking.refund_amount == Decimal("60.00")
        _shot(page, "sched-cancelled-360")
        assert page.js_errors == []
    finally:
        ctx.close()


def test_a_learner_moves_a_one_to_one_from_home(server_url, browser):
    mentor = _mentor()
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    booking = _one_to_one(mentor, learner, days=3, hour=10)
    old = booking.session.starts_at
    ctx, page = open_signed_in(browser, server_url, learner, "/", viewport=PHONE, has_touch=True)
    try:
        page.locator(f"#booking-{booking.pk}").get_by_role("link", name="Reschedule").click()
        expect(page.get_by_role("heading", name=re.compile("^Reschedule"))).to_be_visible()
        picker = page.locator("[data-reschedule-picker]")
        expect(picker).to_contain_text("São Paulo")
        picker.locator("a[data-day-chip]").nth(4).click()
        assert no_horizontal_overflow(page)
        _shot(page, "sched-reschedule-picker-360")
        first = picker.locator("[data-times] a").first
        chosen = first.get_attribute("data-time")
        first.click()
        expect(page.get_by_role("heading", name="Move to this time?")).to_be_visible()
        expect(page.locator("[data-mentor-time]")).to_be_visible()
        _shot(page, "sched-reschedule-confirm-360")
        page.get_by_role("button", name="Move booking").click()
        expect(page.get_by_text("Your session was moved")).to_be_visible()
        session = Session.objects.get(pk=booking.session_id)
        assert session.starts_at == datetime.fromisoformat(chosen) != old
        assert session.sequence == 1
        assert page.js_errors == []
    finally:
        ctx.close()


def test_a_request_from_free_slots_reaches_the_open_requests_tab_live(server_url, browser):
    mentor = _mentor(instant=False)
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    mentor_ctx, mentor_page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/requests/", viewport=DESKTOP
    )
    ctx, page = open_signed_in(
        browser, server_url, learner, f"/mentors/{mentor.pk}/request/", viewport=PHONE,
        has_touch=True,
    )  # fmt: skip
    try:
        expect(mentor_page.locator("#shell")).to_have_attribute("data-realtime-state", "open")
        mentor_page.evaluate("window.__notReloaded = true")
        page.get_by_label("Topic").fill("Interview practice")
        page.get_by_label("Duration and price").select_option("90")
        slots = page.locator("#request-slots")
        expect(slots).to_contain_text("(90 min)")
        boxes = slots.locator("input[name=slots]")
        boxes.nth(0).check()
        second = boxes.nth(1)
        if not second.is_visible():  # late in the day: today has one time left, and
            second.locator("xpath=ancestor::details/summary").click()  # only today is open
        second.check()
        assert no_horizontal_overflow(page)
        _shot(page, "sched-request-slots-360")
        page.get_by_role("button", name="Send request").click()
        expect(page).to_have_url(re.compile(r"request_sent=1"))

        # The mentor's open Requests tab lists it without a reload; Accept marks it free.
        expect(mentor_page.get_by_role("heading", name="Interview practice")).to_be_visible()
        assert mentor_page.evaluate("window.__notReloaded === true")
        mentor_page.get_by_role("button", name="Accept").click()
        dialog = mentor_page.get_by_role("dialog", name="Accept request")
        expect(dialog.locator('[data-time-option="free"]')).to_have_count(2)
        expect(dialog.locator("[data-accept-price]")).to_have_text(_money("90.00"))
        _shot(mentor_page, "sched-accept-free-first-1280")
        assert page.js_errors == [] and mentor_page.js_errors == []
    finally:
        ctx.close()
        mentor_ctx.close()
