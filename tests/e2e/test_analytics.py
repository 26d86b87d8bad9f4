"""Analytics tab and learner reviews in a real browser (desktop and 375 px)."""

import datetime as dt
import re

from playwright.sync_api import expect

from sessions_app.models import Booking, Review
from tests.analytics.builders import ago, booking, ledger, request, review, session
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, screenshot, sideways_scrollers, sign_in


def _data():
    mentor = make_user("e2e_mentor", "mentor", timezone="Asia/Tokyo")  # no DST: stable slots
    learners = [make_user(f"e2e_learner_{i}") for i in range(3)]
    for i in range(8):
        s = session(mentor, ago(days=3 + 7 * i, hours=0 if i < 6 else 1), title=f"Session {i}")
        booking(s, learners[i % 3])
        if i % 4 == 0:
            booking(s, learners[(i + 1) % 3], status=Booking.Status.NO_SHOW)
        if i < 3:
            review(s, learners[i % 3], 5 - i % 2, comment=f"Comment {i}")
        ledger(mentor, "45.00", created_at=ago(days=3 + 7 * i))
    request(mentor, learners[0], "accepted", answered_after=dt.timedelta(minutes=12))
    request(
        mentor,
        learners[1],
        "declined",
        answered_after=dt.timedelta(hours=2),
        preferred=[ago(days=1)],
    )
    return mentor, learners


def _check_tab(page, server_url, name):
    page.goto(f"{server_url}/mentor/dashboard/analytics/")
    expect(page.get_by_role("tab", name="Analytics")).to_have_attribute("aria-selected", "true")
    cards = page.get_by_role("region", name="Key figures")
    for label in ("Total students", "Sessions held", "Average rating", "Earnings"):
        expect(cards.get_by_text(label, exact=True)).to_be_visible()
    expect(page.locator('[data-card="sessions"] dd').first).to_have_text("8")
    expect(page.get_by_role("heading", name="Most popular session times")).to_be_visible()
    expect(page.locator('[data-chart="heatmap"] table')).to_be_visible()
    busiest = page.locator('[data-chart="heatmap"] td.bg-indigo-800')
    expect(busiest.first).to_be_visible()
    assert busiest.first.bounding_box()["width"] >= 8
    expect(page.get_by_role("list", name="Sessions held per month")).to_be_visible()
    expect(page.get_by_role("list", name="Net earnings per month")).to_be_visible()
    expect(page.get_by_role("list", name="Reviews by rating")).to_be_visible()
    expect(page.get_by_role("heading", name="Latest reviews")).to_be_visible()
    expect(page.get_by_text("Your most booked slot is")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, name)


def test_the_analytics_tab_shows_cards_heatmap_and_charts(server_url, page, browser):
    mentor, _ = _data()
    sign_in(page.context, server_url, mentor)
    _check_tab(page, server_url, "analytics-1280")

    # The period switch swaps the panel with htmx and updates the URL.
    page.evaluate("window.__marker = 'same-page'")
    page.get_by_role("link", name="Last 30 days").click()
    expect(page).to_have_url(re.compile(r"\?period=30d$"))
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "page")
    expect(page.locator('[data-card="sessions"] dd').first).to_have_text("4")
    assert page.evaluate("window.__marker") == "same-page"
    page.go_back()
    expect(page.locator('[data-card="sessions"] dd').first).to_have_text("8")

    phone = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    sign_in(phone, server_url, mentor)
    _check_tab(phone.new_page(), server_url, "analytics-375")
    phone.close()

    # Issue #18: at 360 px nothing scrolls sideways, the monthly table opened included.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    sign_in(phone, server_url, mentor)
    small = phone.new_page()
    small.goto(f"{server_url}/mentor/dashboard/analytics/")
    small.get_by_text("Show as a table").click()
    expect(small.get_by_role("table", name=re.compile("per month"))).to_be_visible()
    assert not sideways_scrollers(small), sideways_scrollers(small)
    assert no_horizontal_overflow(small)
    screenshot(small, "analytics-table-360")
    phone.close()


def test_the_empty_tab_fits_a_phone(server_url, browser):
    mentor = make_user("e2e_new_mentor", "mentor")
    phone = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    sign_in(phone, server_url, mentor)
    page = phone.new_page()
    page.goto(f"{server_url}/mentor/dashboard/analytics/")
    expect(page.get_by_text("No activity in this period yet")).to_be_visible()
    expect(page.get_by_text("No bookings in this period yet")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "analytics-empty-375")
    phone.close()


def test_a_learner_rates_a_session_from_the_home_prompt(server_url, page):
    mentor = make_user("e2e_rated_mentor", "mentor")
    learner = make_user("e2e_rater")
    s = session(mentor, ago(days=1), title="Pytest clinic")
    booking(s, learner)
    sign_in(page.context, server_url, learner)
    page.goto(f"{server_url}/")
    prompt = page.get_by_role("region", name="Rate your session")
    expect(prompt).to_contain_text("Pytest clinic")
    prompt.get_by_role("link", name="Rate Pytest clinic").click()
    expect(page.get_by_role("heading", name="Rate your session")).to_be_visible()

    # Sending without a rating shows the error next to the stars.
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_text("Choose a rating from 1 to 5 stars.")).to_be_visible()

    page.get_by_text("Good", exact=True).click()
    page.get_by_label("Comment (optional)").fill("Clear and practical.")
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you!")
    expect(page.get_by_text("4 out of 5")).to_be_visible()
    assert Review.objects.filter(learner=learner, session=s, rating=4).exists()
    screenshot(page, "review-done")

    page.goto(f"{server_url}/")
    expect(page.get_by_role("region", name="Rate your session")).to_have_count(0)
