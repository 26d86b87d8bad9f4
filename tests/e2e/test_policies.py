"""Policies in a real browser (issue #21): the learner reads the mentor's cancellation
terms before booking, cancels and sees the refund; a learner joins the waitlist of a
full session from the catalogue and is booked (and told) when a seat frees; the mentor
edits the policy on the Availability page at 360 px."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from core.formatting import money_label
from earnings.models import LedgerEntry
from policies.models import CancellationPolicy
from policies.services import update_policy
from sessions_app.booking_terms import cancellation_terms
from sessions_app.models import Booking, WaitlistEntry
from sessions_app.services.waitlist import join_waitlist
from tests.conftest import make_user
from tests.e2e.conftest import no_horizontal_overflow, open_signed_in, screenshot
from tests.sessions_app.builders import make_booking, make_session

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name):
    screenshot(page, name)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_learner_reads_the_terms_books_then_cancels_and_sees_the_refund(
    server_url, browser, viewport
):
    mentor = make_user("maya", User.Role.MENTOR, timezone="Europe/Berlin")
    learner = make_user("paulo", User.Role.LEARNER, timezone="America/Sao_Paulo")
    update_policy(mentor, free_cancel_hours=24, late_cancel_refund_percent=50)
    starts = (timezone.now() + timedelta(hours=6)).replace(second=0, microsecond=0)
    session = make_session(
        mentor, title="Late-night pytest", starts_at=starts, price=Decimal("55.00")
    )
    _, page = open_signed_in(
        browser, server_url, learner, f"/sessions/{session.pk}/", viewport=viewport
    )
    terms = cancellation_terms(session, learner)
    assert "50 % back" in terms
    panel = page.locator("#booking-panel")
    expect(panel.locator("[data-terms]")).to_have_text(terms)  # before anything else
    page.get_by_role("button", name="Book for").click()
    dialog = page.get_by_role("dialog", name="Confirm your booking")
    expect(dialog.locator("[data-terms]")).to_have_text(terms)
    _shot(page, f"policy-terms-{viewport['width']}")
    dialog.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_text("You're booked.")).to_be_visible()

    page.get_by_role("button", name="Cancel booking").click()
    confirm = page.get_by_role("dialog", name="Cancel your booking?")
    back = money_label(Decimal("27.50"), "USD")
    expect(confirm).to_contain_text(f"You get {back} back.")
    _shot(page, f"policy-cancel-{viewport['width']}")
    confirm.get_by_role("button", name="Cancel booking").click()
    expect(
        page.get_by_role("status").filter(has_text="Your booking was cancelled.")
    ).to_contain_text(f"Refund: {back}.")
    assert no_horizontal_overflow(page)
    booking = Booking.objects.get(learner=learner)
    assert booking.status == "cancelled" and booking.refund_amount == Decimal("27.50")
    assert LedgerEntry.objects.get(booking=booking, kind="refund").gross == Decimal("-27.50")


def test_a_learner_joins_the_waitlist_and_is_booked_when_a_seat_frees(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    holder = make_user("ana", User.Role.LEARNER)
    waiter = make_user("paulo", User.Role.LEARNER)
    session = make_session(mentor, title="Full house", capacity=1)
    make_booking(session, holder)

    _, page = open_signed_in(browser, server_url, waiter, "/sessions/", viewport=PHONE)
    card = page.get_by_role("listitem").filter(has_text="Full house")
    expect(card.get_by_text("Full", exact=True)).to_be_visible()
    card.get_by_role("button", name="Join waitlist").click()
    expect(page.get_by_text("You're #1 on the waitlist.")).to_be_visible()
    assert no_horizontal_overflow(page)
    _shot(page, "policy-waitlist-360")

    _, holder_page = open_signed_in(
        browser, server_url, holder, f"/sessions/{session.pk}/", viewport=DESKTOP
    )
    holder_page.get_by_role("button", name="Cancel booking").click()
    holder_page.get_by_role("dialog", name="Cancel your booking?").get_by_role(
        "button", name="Cancel booking"
    ).click()
    expect(holder_page.get_by_text("Your booking was cancelled.")).to_be_visible()

    # The waiter's open page hears about it (notification toast), and is booked.
    expect(page.locator("#toasts")).to_contain_text("You're booked: Full house", timeout=15_000)
    page.reload()
    expect(page.get_by_text("You're booked.")).to_be_visible()
    seat = Booking.objects.get(session=session, status="booked")
    assert seat.learner == waiter


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_leaving_the_waitlist_asks_first_and_gives_the_place_up(server_url, browser, viewport):
    mentor = make_user("maya", User.Role.MENTOR)
    holder = make_user("ana", User.Role.LEARNER)
    waiter = make_user("paulo", User.Role.LEARNER)
    session = make_session(mentor, title="Full house", capacity=1)
    make_booking(session, holder)
    join_waitlist(waiter, session)

    _, page = open_signed_in(
        browser, server_url, waiter, f"/sessions/{session.pk}/", viewport=viewport
    )
    expect(page.get_by_text("You're #1 on the waitlist.")).to_be_visible()
    yes = page.get_by_role("button", name="Yes, leave")
    expect(yes).to_be_hidden()
    page.get_by_text("Leave waitlist", exact=True).click()
    expect(page.get_by_text("You give up your place (#1).")).to_be_visible()
    _shot(page, f"policy-waitlist-leave-{viewport['width']}")
    assert no_horizontal_overflow(page)
    # Changing one's mind keeps the place.
    page.get_by_role("button", name="Stay on the list").click()
    expect(yes).to_be_hidden()
    assert WaitlistEntry.objects.filter(session=session, learner=waiter, status="waiting").exists()

    page.get_by_text("Leave waitlist", exact=True).click()
    yes.click()
    expect(page.get_by_role("button", name="Join waitlist")).to_be_visible()
    assert not WaitlistEntry.objects.filter(
        session=session, learner=waiter, status="waiting"
    ).exists()


def test_the_mentor_edits_the_policy_on_the_availability_page_at_360px(server_url, browser):
    mentor = make_user("maya", User.Role.MENTOR)
    _, page = open_signed_in(
        browser,
        server_url,
        mentor,
        "/mentor/dashboard/availability/",
        viewport=PHONE,
        has_touch=True,
    )
    card = page.locator("[data-policy-card]")
    expect(card.get_by_role("heading", name="Cancellation policy")).to_be_visible()
    hours = card.get_by_label("Free cancellation until (hours before)")
    percent = card.get_by_label("Refund after that (%)")
    expect(hours).to_have_value("24")
    expect(percent).to_have_value("50")
    percent.fill("120")
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Enter a whole percentage from 0 to 100.")).to_be_visible()
    expect(page.get_by_label("Refund after that (%)")).to_have_attribute("aria-invalid", "true")
    assert not CancellationPolicy.objects.exists()
    page.get_by_label("Free cancellation until (hours before)").fill("48")
    page.get_by_label("Refund after that (%)").fill("25")
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Availability saved.")).to_be_visible()
    expect(page.get_by_label("Refund after that (%)")).to_have_value("25")
    page.locator("[data-policy-card]").scroll_into_view_if_needed()
    assert no_horizontal_overflow(page)
    _shot(page, "policy-availability-360")
    policy = CancellationPolicy.objects.get(mentor=mentor)
    assert (policy.free_cancel_hours, policy.late_cancel_refund_percent) == (48, 25)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_mentor_sees_waitlists_refunds_and_reliability(server_url, browser, viewport):
    from sessions_app.models import WaitlistEntry
    from sessions_app.services import cancel_unstarted_sessions
    from tests.earnings.builders import completed_session

    mentor = make_user("maya", User.Role.MENTOR)
    learners = [make_user(f"learner{i}") for i in range(3)]
    full = make_session(mentor, title="Full house", capacity=1)
    make_booking(full, learners[0])
    for learner in learners[1:]:
        WaitlistEntry.objects.create(session=full, learner=learner)
    completed_session(mentor, learners[:2], title="Held well")
    late = make_session(
        mentor, title="Cancelled late", starts_at=timezone.now() + timedelta(hours=3)
    )
    booking = make_booking(late, learners[2])
    from sessions_app.services import cancel_booking

    cancel_booking(learners[2], Booking.objects.select_related("session").get(pk=booking.pk))
    missed = make_session(mentor, title="Missed", starts_at=timezone.now() - timedelta(hours=1))
    make_booking(missed, learners[1])
    cancel_unstarted_sessions()

    _, page = open_signed_in(
        browser, server_url, mentor, "/mentor/dashboard/sessions/scheduled/", viewport=viewport
    )
    card = page.locator("li, article").filter(has_text="Full house").last
    expect(card.locator("[data-waitlist-length]")).to_have_text("2 on the waitlist")
    _shot(page, f"policy-mentor-card-{viewport['width']}")

    page.goto(f"{server_url}/mentor/dashboard/earnings/")
    row = page.locator("tr").filter(has_text="Cancelled late")
    expect(row.locator("[data-refunds]")).to_have_text(money_label(Decimal("12.50"), "USD"))
    assert no_horizontal_overflow(page)
    _shot(page, f"policy-earnings-{viewport['width']}")

    page.goto(f"{server_url}/mentor/dashboard/analytics/")
    reliability = page.locator('[data-card="reliability"]')
    expect(reliability.locator("[data-reliability]")).to_have_text("50 %")
    expect(reliability).to_contain_text("1 not started")
    assert no_horizontal_overflow(page)
    _shot(page, f"policy-analytics-{viewport['width']}")
