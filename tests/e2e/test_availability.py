"""The availability page in a real browser (issue #20 point 1), at 360×740 and 1280×900.

A mentor opens it from My Sessions, applies the "Weekdays 9–17" preset, copies a
day, adds and removes a range, saves; the free times then appear in the page's
preview and in the slots the API offers learners. No sideways scroll; axe-clean.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from requests_app.models import SessionRequest
from sessions_app.availability import services
from sessions_app.availability.models import Availability, WeeklyHours
from sessions_app.availability.slots import mentor_slots
from sessions_app.models import Booking
from tests.conftest import make_user
from tests.e2e.conftest import open_signed_in, screenshot, sideways_scrollers
from tests.security.browser import axe_violations, describe

SIZES = [
    pytest.param({"width": 360, "height": 740}, id="phone"),
    pytest.param({"width": 1280, "height": 900}, id="desktop"),
]


def _weekly(mentor):
    return list(
        WeeklyHours.objects.filter(availability__mentor=mentor).values_list(
            "weekday", "start_minute", "end_minute"
        )
    )


def _edit_week(page):
    """Preset "Weekdays 9–17", a second Monday range, Tuesday off, Monday copied to Saturday."""
    page.get_by_role("button", name="Weekdays 9–17").click()
    expect(page.get_by_role("status")).to_contain_text("Weekdays 9–17 applied")
    friday = page.locator('[data-day="4"]')
    expect(friday.get_by_label("Friday from")).to_have_value("09:00")
    expect(page.locator('[data-day="5"] [data-day-body]')).to_be_hidden()

    # Monday gets a second (evening) range; removing Tuesday's only range turns it off.
    monday = page.locator('[data-day="0"]')
    monday.get_by_role("button", name="+ Add range").click()
    ranges = monday.locator("[data-range]")
    expect(ranges).to_have_count(2)
    ranges.nth(1).get_by_label("Monday from").fill("18:00")
    ranges.nth(1).get_by_label("Monday to").fill("20:00")
    page.locator('[data-day="1"]').get_by_role("button", name="Remove this Tuesday range").click()
    expect(page.locator('[data-day="1"]').get_by_role("switch")).not_to_be_checked()
    # Copy Monday (two ranges) to Saturday through the "Copy to…" menu.
    monday.get_by_text("Copy to…").click()
    monday.get_by_label("Saturday").check()
    monday.get_by_role("button", name="Copy", exact=True).click()
    expect(page.locator('[data-day="5"] [data-range]')).to_have_count(2)


@pytest.mark.parametrize("viewport", SIZES)
def test_mentor_sets_weekday_hours_with_a_preset_and_learners_get_slots(
    server_url, browser, viewport
):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Asia/Kolkata")
    context, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/", viewport=viewport
    )
    try:
        page.get_by_role("link", name="Availability").click()
        expect(page.get_by_role("heading", name="Availability", level=1)).to_be_visible()
        expect(page.locator("[data-mentor-zone]")).to_contain_text("Kolkata")
        assert not sideways_scrollers(page), sideways_scrollers(page)
        violations = axe_violations(page)
        assert not violations, describe(violations)

        _edit_week(page)
        assert not sideways_scrollers(page), sideways_scrollers(page)
        screenshot(page, f"availability-edit-{viewport['width']}")

        page.get_by_label("Minimum notice (minutes)").fill("0")
        page.get_by_role("switch", name="Instant booking").check()
        page.get_by_role("button", name="Save availability").click()
        expect(page.get_by_role("status")).to_contain_text("Availability saved.")

        assert _weekly(mentor) == [
            (0, 540, 1020),
            (0, 1080, 1200),
            (2, 540, 1020),
            (3, 540, 1020),
            (4, 540, 1020),
            (5, 540, 1020),
            (5, 1080, 1200),
        ]
        assert Availability.objects.get(mentor=mentor).instant_booking
        preview = page.locator("[data-slot-preview] li")
        expect(preview.first).to_be_visible()
        today = timezone.localtime(timezone.now(), mentor.tzinfo).date()
        slots = mentor_slots(mentor, duration=60, first=today, last=today + timedelta(days=13))
        assert slots, "learners are offered free times"
        assert not sideways_scrollers(page), sideways_scrollers(page)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        screenshot(page, f"availability-saved-{viewport['width']}")
    finally:
        context.close()


def test_an_error_is_shown_next_to_the_day_and_keeps_the_typed_hours(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    context, page = open_signed_in(
        browser,
        server_url,
        mentor,
        "/mentor/dashboard/availability/",
        viewport={"width": 360, "height": 740},
    )
    try:
        wednesday = page.locator('[data-day="2"]')
        wednesday.get_by_role("switch").check()
        wednesday.get_by_label("Wednesday from").fill("17:00")
        wednesday.get_by_label("Wednesday to").fill("09:00")
        page.get_by_role("button", name="Save availability").click()
        expect(page.locator("#day-2-error")).to_contain_text("The end must be after the start.")
        expect(page.locator('[data-day="2"]').get_by_label("Wednesday from")).to_have_value("17:00")
        assert _weekly(mentor) == []
        screenshot(page, "availability-error-360")
    finally:
        context.close()


def _mentor_with_hours(instant: bool):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    services.update_availability(
        mentor,
        weekly=[{"weekday": d, "start": 540, "end": 1020} for d in range(7)],
        min_notice_minutes=0,
        instant_booking=instant,
    )
    return mentor


@pytest.mark.parametrize(
    ("viewport", "instant"),
    [
        pytest.param({"width": 360, "height": 740}, True, id="phone-instant"),
        pytest.param({"width": 1280, "height": 900}, False, id="desktop-request"),
    ],
)
def test_learner_picks_a_day_and_time_confirms_and_is_booked(
    server_url, browser, viewport, instant
):
    mentor = _mentor_with_hours(instant)
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    context, page = open_signed_in(
        browser, server_url, learner, f"/mentors/{mentor.pk}/", viewport=viewport
    )
    try:
        section = page.get_by_role("region", name="Book a 1:1")
        expect(section).to_be_visible()
        expect(section.locator("[data-learner-zone]")).to_contain_text("São Paulo")
        chips = section.locator("a[data-day-chip]")
        chips.nth(2).click()  # htmx swaps the day's times in
        expect(section.locator("a[data-day-chip]").nth(2)).to_have_attribute("aria-current", "date")
        assert not sideways_scrollers(page), sideways_scrollers(page)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        screenshot(page, f"picker-{viewport['width']}")
        first_time = section.locator("[data-times] a").first
        label = first_time.inner_text()
        first_time.click()

        expect(page.get_by_role("heading", name="Confirm your 1:1")).to_be_visible()
        expect(page.locator("[data-learner-time]")).to_contain_text(label)
        expect(page.locator("[data-mentor-time]")).to_be_visible()
        expect(page.locator("[data-terms]")).not_to_be_empty()
        assert not sideways_scrollers(page), sideways_scrollers(page)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        screenshot(page, f"picker-confirm-{viewport['width']}")
        page.get_by_label("What would you like to work on?").fill("Career chat")
        page.get_by_role("button", name="Confirm booking").click()

        if instant:
            expect(page.get_by_role("heading", name="Booked")).to_be_visible()
            page.get_by_role("link", name="View your session").click()
            expect(page).to_have_url(re.compile(r"/sessions/\d+/$"))
            assert Booking.objects.filter(learner=learner, session__mentor=mentor).count() == 1
        else:
            expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
            assert SessionRequest.objects.filter(learner=learner, mentor=mentor).count() == 1
        screenshot(page, f"picker-done-{viewport['width']}")
    finally:
        context.close()
